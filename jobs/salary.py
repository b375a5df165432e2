"""A job's salary as people read it, the same on every page that shows one.

A range is its two amounts joined by an en dash, each with its symbol, then the period: €60,000 (dash)
€80,000 per year.
"""

# The currencies whose symbol reads unambiguously; any other is written after the amounts ("60,000 CHF").
SYMBOLS = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "BRL": "R$",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
    "UAH": "₴",
    "VND": "₫",
}


def _amount(value, currency):
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value:,}" if symbol else f"{value:,}"


def format_salary(minimum, maximum, currency, period_label=""):
    """A range (two amounts, an en dash between), "From €60,000 per year", "Up to 80,000 CHF per month"; "" for none."""
    if not minimum and not maximum:
        return ""
    currency = (currency or "").upper()
    if minimum and maximum and minimum != maximum:
        text = f"{_amount(minimum, currency)}–{_amount(maximum, currency)}"
    elif minimum and maximum:
        text = _amount(minimum, currency)
    elif minimum:
        text = f"From {_amount(minimum, currency)}"
    else:
        text = f"Up to {_amount(maximum, currency)}"
    if currency and currency not in SYMBOLS:
        text = f"{text} {currency}"
    return f"{text} {period_label}".strip()


def job_salary(job):
    """The job's salary range in words, whether or not the careers page shows it (the caller decides)."""
    return format_salary(job.salary_min, job.salary_max, job.salary_currency, job.get_salary_period_display())
