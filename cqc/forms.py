from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CQC ratings file",
        error_messages={
            "required": "Choose a CQC ratings file to upload",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded; try again",
        },
    )
