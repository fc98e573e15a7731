"""Django's template engine, with each page's context let go as soon as the page is drawn.

Django's `Context` and the `ContextDict`s it pushes point at each other (a `ContextDict` keeps its
context, to work as a context manager), so after a render the whole context — a list page's 100
rows, their filer units, the paginator, the filter set — is garbage in a reference cycle, freed
only by the garbage collector. A list page left ~1,350 such objects, and the collector's passes
over them cost ~0.3 ms of every national list page (docs/benchmarks.md, session 20). Here the
context's stack is emptied once the page is drawn, which breaks the cycle: everything the page
held is freed at once by reference counting. (A test's `response.context` is a copy taken
during the render, Django's test instrumentation, and keeps its values.)
"""
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates as _DjangoTemplates
from django.template.backends.django import Template as _Template
from django.template.backends.django import reraise
from django.template.context import make_context


class Template(_Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)
        finally:
            context.dicts.clear()  # the cycle between the context and its dicts, broken


class DjangoTemplates(_DjangoTemplates):
    """`TEMPLATES[...]["BACKEND"]`: Django's backend whose templates are `Template` above."""

    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
