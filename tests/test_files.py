"""The one size-limited file reader and text decoder, and the readers that use it.

A file over the limit is refused with its size, the limit and what the user can do, the
same way in the meter reader, the batch sites reader and the app's uploads.
"""

from __future__ import annotations

import doctest
import io

import pytest

import pvplanner.batch.sites as sites
import pvplanner.guard.files as files
from pvplanner.app import uploads
from pvplanner.errors import LoadFileError, PlannerInputError
from pvplanner.guard.files import TOO_LARGE_ADVICE, check_size, decode_text, read_limited

ADVICE = "export fewer days"


def test_docstring_examples():
    assert doctest.testmod(files).failed == 0


def test_bytes_and_streams_over_the_limit_name_size_and_limit():
    with pytest.raises(PlannerInputError, match=r"^a.csv is 2 kB, more than the 1 kB limit: "
                       "export fewer days$"):
        read_limited(b"x" * 2_000, filename="a.csv", max_bytes=1_000, advice=ADVICE)
    with pytest.raises(PlannerInputError, match=r"^s.csv is 5 kB, more than the 1 kB limit"):
        read_limited(io.BytesIO(b"x" * 5_000), filename="s.csv", max_bytes=1_000, advice=ADVICE)


def test_a_stream_of_unknown_size_is_larger_than_the_limit():
    class Pipe:
        def read(self, n):
            return b"y" * n

    with pytest.raises(PlannerInputError, match=r"^p is larger than the 1 kB limit: export"):
        read_limited(Pipe(), filename="p", max_bytes=1_000, advice=ADVICE)


def test_paths_are_refused_before_they_are_read(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(60_000_000)  # sparse: nothing is written, nothing may be read
    monkeypatch.setattr(type(big), "read_bytes", lambda self: pytest.fail("read"))
    with pytest.raises(LoadFileError, match=r"^big.csv is 60.0 MB, more than the 50.0 MB "
                       "limit: export fewer days"):
        read_limited(big, advice=ADVICE, error=LoadFileError)
    with pytest.raises(PlannerInputError, match="is a folder, not a file"):
        read_limited(tmp_path, what="meter file", advice=ADVICE)
    with pytest.raises(PlannerInputError, match="does not exist"):
        read_limited(tmp_path / "none.csv", advice=ADVICE)


def test_empty_and_wrong_sources():
    with pytest.raises(PlannerInputError, match="e.csv is empty"):
        read_limited(b" \n", filename="e.csv", advice=ADVICE)
    with pytest.raises(PlannerInputError, match="from a int"):
        read_limited(5, advice=ADVICE)  # type: ignore[arg-type]
    assert read_limited(io.StringIO("text"), advice=ADVICE) == (b"text", "<stream>")


def test_decode_text_encodings_and_failure():
    assert decode_text("时间,kW".encode("utf-16"), "u16") == ("时间,kW", "utf-16")
    assert decode_text(b"\xef\xbb\xbftime", "bom") == ("time", "utf-8-sig")
    assert decode_text("时间".encode("gbk"), "gbk") == ("时间", "gbk")
    with pytest.raises(PlannerInputError, match=r"^x.csv: line 2 \(byte 3\) is neither UTF-8 "
                       "nor GBK/GB18030 text: save it"):
        decode_text(b"ab\n\x80\xff\xfe", "x.csv", advice="save it")


def test_check_size_passes_a_file_within_the_limit():
    check_size(1_000, "f", 1_000, advice=ADVICE)


def test_sites_file_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sites, "MAX_SITES_BYTES", 2_000)
    path = tmp_path / "sites.csv"
    path.write_text("name,lat,lon\n" + "a,30,120\n" * 400, encoding="utf-8")
    with pytest.raises(PlannerInputError) as caught:
        sites.read_sites(path)
    message = str(caught.value)
    # The file named by its path alone: "sites file" was English inside the Chinese text.
    assert message.startswith(f"{path} is 4 kB, more than the 2 kB limit: ")
    assert message.endswith(TOO_LARGE_ADVICE["sites"])


def test_sites_file_saved_as_unicode_text_by_excel_is_read():
    # Excel's "Unicode Text" is tab-separated UTF-16 with a byte-order mark
    text = "name\tlat\tlon\troof_area_m2\tannual_kwh\n杭州工厂\t30.27\t120.16\t2000\t500000\n"
    jobs = sites.parse_sites(text.encode("utf-16"))
    assert [job.name for job in jobs] == ["杭州工厂"]


def test_sites_file_in_no_known_encoding_names_line_and_byte():
    with pytest.raises(PlannerInputError, match=r"line 2 \(byte \d+\) is neither UTF-8 nor "
                       "GBK/GB18030 text: save it as UTF-8 CSV"):
        sites.parse_sites(b"name,lat,lon\n\x80\xff,1,2\n", origin="upload.csv")


def test_uploads_use_the_same_limit_and_words():
    assert uploads.MAX_UPLOAD_MB * 1_000_000 == files.MAX_FILE_BYTES
    assert set(uploads.EXTENSIONS) <= set(TOO_LARGE_ADVICE)
    with pytest.raises(PlannerInputError) as caught:
        uploads.check_upload(b"x" * 2_500_000, "meter.csv", "meter", max_mb=2)
    assert str(caught.value) == (
        "meter.csv is 2.5 MB, more than the 2.0 MB limit: " + TOO_LARGE_ADVICE["meter"]
    )
    assert caught.value.field == "upload.meter"
