"""Text out of resumes, and the few facts we can find in that text reliably.

A resume is untrusted: a 95 KB DOCX can unpack to hundreds of megabytes of text. So reading is bounded
before it starts (what a ZIP's directory declares: members, sizes, compression ratios) and while it runs
(bytes actually unpacked, counted chunk by chunk whatever the headers say; PDF pages; characters of
text), and says how it ended: read, cut, refused (larger than we unpack) or failed (damaged).
"""

import io
import logging
import re
import zipfile
from typing import NamedTuple
from xml.parsers import expat

from jobs.uploads import MAX_UPLOAD_BYTES, detect_kind

from .models import Candidate

logger = logging.getLogger(__name__)
Status = Candidate.ResumeStatus

# What is stored and shown: a long real resume is 20,000 characters.
MAX_TEXT_CHARS = 200_000
# What one file may unpack to (a DOCX's document.xml, a PDF stream), whatever it declares.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# What a ZIP's directory may declare before we read any of it.
MAX_ARCHIVE_MEMBERS = 1_000
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024
# Real XML deflates 5-20 times; text bombs about 1,000 times. Small members may do as they like.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_PDF_PAGES = 50
CHUNK_BYTES = 64 * 1024

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\w])(\+?\d[\d ()./-]{7,}\d)(?![\w])")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+|(?:linkedin\.com|github\.com)/[^\s<>()\"']+", re.I)
YEARS_RE = re.compile(r"(\d{1,2})\+?\s*(?:years|yrs)(?:\s+of)?\s+(?:professional\s+)?experience", re.I)
SKILLS = [
    "Python", "Django", "JavaScript", "TypeScript", "React", "Vue", "Node.js", "Java", "Kotlin", "Go", "Rust",
    "C++", "C#", ".NET", "Ruby", "Rails", "PHP", "SQL", "PostgreSQL", "MySQL", "Redis", "Docker", "Kubernetes",
    "AWS", "Azure", "GCP", "Terraform", "Linux", "Git", "HTML", "CSS", "GraphQL", "REST", "Machine Learning",
    "Data Analysis", "Excel", "Figma", "Project Management", "Scrum", "Agile", "Sales", "Marketing", "SEO",
    "Customer Service", "Accounting", "Recruiting", "Leadership", "Communication",
]  # fmt: skip

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class Extracted(NamedTuple):
    text: str
    status: str  # a Candidate.ResumeStatus value


class TooLarge(Exception):
    """The file is, or unpacks to, more than we read."""


class _Full(Exception):
    """The text reached MAX_TEXT_CHARS: stop reading."""


class _Text:
    """Collected text that stops the reader once it holds MAX_TEXT_CHARS."""

    def __init__(self):
        self.parts, self.length = [], 0

    def add(self, text):
        room = MAX_TEXT_CHARS - self.length
        self.parts.append(text[:room])
        self.length += min(len(text), room)
        if len(text) > room:
            raise _Full

    def __str__(self):
        return "".join(self.parts)


class BoundedReader:
    """A file-like view of a stream that raises TooLarge once more than `limit` bytes came out of it.

    ZIP headers declare sizes, but a reader that trusts them is one bug away from a bomb: this one
    counts what it actually returns, chunk by chunk.
    """

    def __init__(self, stream, limit=None):
        self.stream, self.limit, self.count = stream, limit or MAX_UNPACKED_BYTES, 0

    def read(self, size=CHUNK_BYTES):
        chunk = self.stream.read(min(size, self.limit - self.count + 1))
        self.count += len(chunk)
        if self.count > self.limit:
            raise TooLarge(f"unpacks to more than {self.limit} bytes")
        return chunk


def check_archive(archive):
    """Raise TooLarge if the ZIP's directory declares more than we unpack, before reading any member."""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise TooLarge(f"{len(members)} members")
    if sum(member.file_size for member in members) > MAX_ARCHIVE_BYTES:
        raise TooLarge("declares more than MAX_ARCHIVE_BYTES in all")
    for member in members:
        if member.file_size > MAX_UNPACKED_BYTES:
            raise TooLarge(f"{member.filename} declares {member.file_size} bytes")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise TooLarge(f"{member.filename} unpacks {ratio:.0f} times its size")


def _xml_text(archive, name, *, paragraphs, text_in, breaks):
    """The text of XML member `name`, streamed: nothing but the collected text is kept in memory.

    `paragraphs` end with a newline, character data counts only inside a `text_in` element, and
    `breaks` maps empty elements (tabs, line breaks) to what they stand for.
    """
    text, depth = _Text(), 0
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag, attributes):
        nonlocal depth
        if tag in text_in:
            depth += 1
        elif tag in breaks:
            text.add(breaks[tag])

    def end(tag):
        nonlocal depth
        if tag in text_in:
            depth -= 1
        if tag in paragraphs:
            text.add("\n")

    def data(chunk):
        if depth:
            text.add(chunk)

    def refuse_doctype(*args):
        # No DOCX or ODT part has one; a DOCTYPE is where entity expansion bombs live.
        raise ValueError("XML with a DOCTYPE")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    parser.StartDoctypeDeclHandler = refuse_doctype
    with archive.open(name) as member:
        reader = BoundedReader(member)
        try:
            while chunk := reader.read():
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Full:
            return Extracted(str(text), Status.CUT)
    return Extracted(str(text), Status.OK)


def _docx_text(archive):
    # Paragraphs in document order, table cells included; only w:t holds text (not field codes).
    return _xml_text(
        archive,
        "word/document.xml",
        paragraphs={f"{WORD} p"},
        text_in={f"{WORD} t"},
        breaks={f"{WORD} tab": "\t", f"{WORD} br": "\n", f"{WORD} cr": "\n"},
    )


def _odt_text(archive):
    return _xml_text(
        archive,
        "content.xml",
        paragraphs={f"{ODF_TEXT} p", f"{ODF_TEXT} h"},
        text_in={f"{ODF_TEXT} p", f"{ODF_TEXT} h"},
        breaks={f"{ODF_TEXT} s": " ", f"{ODF_TEXT} tab": "\t", f"{ODF_TEXT} line-break": "\n"},
    )


def _pdf_text(data):
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    # pypdf bounds each decompression itself (75 MB by default); ours is tighter.
    limits = dict.fromkeys(
        (
            "maximum_declared_stream_length", "array_based_stream_maximum_output_length",
            "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
            "brotli_maximum_output_length", "jbig2_maximum_output_length",
        ),
        MAX_UNPACKED_BYTES,
    )  # fmt: skip
    text = _Text()
    with apply_configuration(**limits):
        try:
            reader = PdfReader(io.BytesIO(data))
            for number, page in enumerate(reader.pages):
                if number == MAX_PDF_PAGES:
                    return Extracted(str(text), Status.CUT)
                text.add((page.extract_text() or "") + "\n")
        except _Full:
            return Extracted(str(text), Status.CUT)
        except LimitReachedError as error:
            raise TooLarge(str(error)) from error
    return Extracted(str(text), Status.OK)


def _plain(text):
    if len(text) > MAX_TEXT_CHARS:
        return Extracted(text[:MAX_TEXT_CHARS], Status.CUT)
    return Extracted(text, Status.OK)


def _extract(data):
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Before detect_kind, which reads a member to tell ODT from any other ZIP.
            check_archive(archive)
            kind = detect_kind(io.BytesIO(data))
            if kind == "docx":
                return _docx_text(archive)
            if kind == "odt":
                return _odt_text(archive)
            return Extracted("", Status.OK)
    kind = detect_kind(io.BytesIO(data))
    if kind == "pdf":
        return _pdf_text(data)
    if kind == "rtf":
        return _plain(re.sub(r"\\[a-z]+-?\d* ?|[{}]", "", data.decode("latin-1")))
    if kind == "txt":
        return _plain(data.decode("utf-8", errors="replace"))
    return Extracted("", Status.OK)


def read_resume(fileobj):
    """Plain text of a PDF, DOCX, ODT, RTF or TXT file ('' for anything else), and how reading ended."""
    data = fileobj.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge(f"more than {MAX_UPLOAD_BYTES} bytes")
        return _extract(data)
    except TooLarge as error:
        logger.warning("Resume not read, larger than we unpack: %s", error)
        return Extracted("", Status.REFUSED)
    except Exception:
        # Parsers of untrusted files fail in many ways (bad ZIP, bad XML, broken PDF): each one is
        # a resume we could not read, never a crashed task.
        logger.warning("Resume not read, damaged or unreadable", exc_info=True)
        return Extracted("", Status.FAILED)


def _clean_phone(raw):
    digits = re.sub(r"\D", "", raw)
    return raw.strip() if 7 <= len(digits) <= 15 else None


def parse(text):
    emails = list(dict.fromkeys(EMAIL_RE.findall(text)))
    phones = [p for p in (_clean_phone(m) for m in PHONE_RE.findall(text)) if p]
    links = list(dict.fromkeys(link.rstrip(".,;") for link in URL_RE.findall(text)))
    lowered = text.lower()
    skills = [s for s in SKILLS if re.search(rf"(?<![\w]){re.escape(s.lower())}(?![\w])", lowered)]
    years = [int(y) for y in YEARS_RE.findall(text)]
    return {
        "email": emails[0] if emails else None,
        "emails": emails,
        "phone": phones[0] if phones else None,
        "links": links,
        "linkedin": next((link for link in links if "linkedin.com" in link.lower()), None),
        "skills": skills,
        "experience_years": max(years) if years else None,
    }
