from django import forms


class EnterpriseInquiryForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField()
    locations = forms.IntegerField(min_value=1, max_value=500, initial=2, label="Number of locations")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, label="What do you need?")
