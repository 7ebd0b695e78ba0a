from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Author


def profile(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return HttpResponse(author.display_name)
