"""What an uploaded file really is, judged by its bytes rather than its name."""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Detected kind -> the extensions a file of that kind may carry.
DOCUMENT_EXTENSIONS = {
    "pdf": {".pdf"},
    "doc": {".doc"},
    "docx": {".docx"},
    "odt": {".odt"},
    "rtf": {".rtf"},
    "txt": {".txt"},
}
IMAGE_EXTENSIONS = {"png": {".png"}, "jpeg": {".jpg", ".jpeg"}}
RESUME_KINDS = DOCUMENT_EXTENSIONS
ATTACHMENT_KINDS = DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS


ODT_MIMETYPE_MAX_BYTES = 100


def _zip_kind(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            # The mimetype member is a few bytes in a real ODT; a big one is a zip bomb, not read.
            small = "mimetype" in names and archive.getinfo("mimetype").file_size <= ODT_MIMETYPE_MAX_BYTES
            if small and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return "odt"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def detect_kind(upload):
    """'pdf', 'docx', ... from the file's content, or None when it is none of the kinds we take."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the 4 KB boundary is still text.
            if error.start < len(head) - 4:
                return None
        return "txt"
    return None


def validate_upload(upload, kinds, *, what="file"):
    """Raise ValidationError unless `upload` is small enough and its content matches its name."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This {what} is {filesizeformat(upload.size)}; the limit is {filesizeformat(MAX_UPLOAD_BYTES)}."
        )
    if upload.size == 0:
        raise ValidationError(f"This {what} is empty.")
    kind = detect_kind(upload)
    extension = Path(upload.name).suffix.lower()
    allowed = ", ".join(sorted({ext.lstrip(".").upper() for exts in kinds.values() for ext in exts}))
    if kind not in kinds or extension not in kinds[kind]:
        raise ValidationError(f"This {what} isn't a file type we accept ({allowed}), judged by its content.")
    return kind
