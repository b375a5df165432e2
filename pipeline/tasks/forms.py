from django import forms

from accounts.params import FIRST_DAY, LAST_DAY

from .models import Task, TaskComment


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name()


class TaskForm(forms.Form):
    """A new task. The application it is about is looked up by the view, in the viewer's scope."""

    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "e.g. Call the references"}))
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    assignee = AssigneeField(queryset=None, required=False, empty_label="Nobody yet", label="Assigned to")
    due_on = forms.DateField(label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=Task.Priority.choices, initial=Task.Priority.NORMAL)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the task a title.")
        return title

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on and not FIRST_DAY <= due_on <= LAST_DAY:
            raise forms.ValidationError(f"Choose a date between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")
        return due_on


class TaskEditForm(TaskForm):
    """What the task says and when it is due; who does it is the reassign form's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, assignees=None, **kwargs)
        del self.fields["assignee"]


class ReassignForm(forms.Form):
    assignee = AssigneeField(
        queryset=None,
        required=False,
        empty_label="Nobody",
        label="Hand the task to",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=TaskComment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ask a question or say what you did."}),
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something first.")
        return body
