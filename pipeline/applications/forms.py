"""Forms of the applications room."""

import re
import secrets

from django import forms

from mail import rendering
from mail import services as mail


class WrittenEmailForm(forms.Form):
    """A recruiter's email as typed: a template's text (its variables kept) edited, or their own.

    Only the shape is checked here; whether the text renders for its recipients is the send
    service's to say (emails.send_written), and its ValidationError lands on these same fields.
    """

    # The template the text started from, for the log: the key of one of the organisation's active templates.
    template = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    cc = forms.CharField(
        label="CC",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off", "spellcheck": "false"}),
        help_text=f"Up to {mail.MAX_CC} addresses, separated by commas.",
    )
    subject = forms.CharField(max_length=255)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        max_length=rendering.MAX_OUTPUT,
        help_text="HTML. Variables are filled in for each person; scripts and other active markup are removed.",
    )
    # Made when the page is, and kept through previews: "Send" clicked twice (or posted again) sends once.
    once = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, templates, one_recipient=True, **kwargs):
        """`one_recipient`: the candidate page's send, with CC and the send-once token; else the board's."""
        super().__init__(*args, **kwargs)
        self.templates = {template.key: template for template in templates}
        self.fields["template"].choices = [("", "Blank"), *((t.key, t.name) for t in templates)]
        if one_recipient:
            self.initial.setdefault("once", secrets.token_urlsafe(16))
        else:
            del self.fields["cc"], self.fields["once"]

    @classmethod
    def starting_from(cls, template, **kwargs):
        """An unbound form holding `template`'s source (or nothing, for a blank email)."""
        if template is None:
            return cls(**kwargs)
        initial = {"template": template.key, "subject": template.subject, "body": template.html_body}
        return cls(initial=initial, **kwargs)

    def clean_template(self):
        return self.templates.get(self.cleaned_data["template"])

    def clean_cc(self):
        return mail.clean_addresses(re.split(r"[,;\s]+", self.cleaned_data["cc"]))
