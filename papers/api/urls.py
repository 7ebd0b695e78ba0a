from rest_framework.routers import SimpleRouter

from .views import PaperViewSet, TopicViewSet

router = SimpleRouter(trailing_slash=True)
router.register("papers", PaperViewSet, basename="api-paper")
router.register("topics", TopicViewSet, basename="api-topic")

urlpatterns = router.urls
