"""Text out of resumes, and the few facts we can find in that text reliably."""

import io
import re
import zipfile
from xml.etree import ElementTree

from jobs.uploads import detect_kind

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


def extract_text(fileobj):
    """Plain text of a PDF, DOCX, ODT, RTF or TXT file ('' for anything else)."""
    kind = detect_kind(fileobj)
    data = fileobj.read()
    if kind == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if kind == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    if kind == "odt":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314
        return "\n".join(text.strip() for text in root.itertext() if text.strip())
    if kind == "rtf":
        text = data.decode("latin-1")
        text = re.sub(r"\\[a-z]+-?\d* ?|[{}]", "", text)
        return text
    if kind == "txt":
        return data.decode("utf-8", errors="replace")
    return ""


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
