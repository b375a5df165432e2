from django import forms
from django.utils.text import slugify

from . import rendering
from .models import EmailTemplate


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name", "key", "category", "subject", "html_body", "text_body", "is_active"]
        widgets = {
            "html_body": forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
            "text_body": forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A developer's setting, kept under "Advanced": left empty, it is made from the name (as the API does).
        self.fields["key"].required = False
        self.fields[
            "key"
        ].help_text = (
            "How the system and the API find this template, e.g. acknowledgement. Left empty, it is made from the name."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("name") and "key" not in self.errors:
            cleaned["key"] = slugify(cleaned["name"])[:60]
            if not cleaned["key"]:
                self.add_error("key", "Give the template a key: its name has no letters or digits to make one from.")
        return cleaned

    def _checked(self, field, label):
        source = self.cleaned_data.get(field, "")
        errors, _ = rendering.check(source, label=label)
        if errors:
            raise forms.ValidationError(errors)
        return source

    def clean_subject(self):
        return self._checked("subject", "Subject")

    def clean_html_body(self):
        return self._checked("html_body", "HTML body")

    def clean_text_body(self):
        return self._checked("text_body", "Text body")

    def validate_unique(self):
        # organization isn't a form field, so Django would skip the (organization, key) check.
        super().validate_unique()
        key = self.cleaned_data.get("key")
        same = EmailTemplate.objects.filter(organization=self.instance.organization, key=key).exclude(
            pk=self.instance.pk
        )
        if key and same.exists():
            self.add_error("key", "Another template already uses this key.")
