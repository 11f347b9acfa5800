"""Admin forms posted the way a browser posts them: fields read from the rendered HTML."""

from html.parser import HTMLParser

from django.urls import reverse


def label(model):
    return model._meta.label


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class FormReader(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields = []
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and not self.select["multiple"] and options:
                chosen = [options[0][0]]
            self.fields.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the newline that directly follows <textarea>.
            text = self.textarea["text"]
            self.fields.append((self.textarea["name"], text.removeprefix("\n")))
            self.textarea = None


def browser_form(response, model):
    """The admin form on the page as a browser would post it (without the empty inline rows)."""
    reader = FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    assert data, f"no form found on the {label(model)} page"
    return data
