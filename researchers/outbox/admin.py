from django.contrib import admin

from .models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "args", "attempts", "created_at", "last_error"]
    readonly_fields = ["task_name", "args", "dedupe_key", "created_at", "attempts", "last_error"]
