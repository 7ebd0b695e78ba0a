from django.shortcuts import render

from . import selectors


def method(request):
    """/trust/method: the published formula, weights, caps, curves, tiers and model version."""
    return render(request, "trust/method.html", selectors.method_constants())
