from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Paper, Topic


def home(request):
    return HttpResponse("BZPEER")


def search(request):
    return HttpResponse("search")


def paper_detail(request, arxiv_id):
    paper = get_object_or_404(Paper, arxiv_id=arxiv_id)
    return HttpResponse(paper.title)


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return HttpResponse(topic.name)
