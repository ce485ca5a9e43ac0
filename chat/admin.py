from django.contrib import admin

from chat.models import Conversation, Message, ModelPrice


@admin.register(ModelPrice)
class ModelPriceAdmin(admin.ModelAdmin):
    list_display = ["model", "effective_from", "input_per_million_usd", "output_per_million_usd"]
    list_filter = ["model"]
    search_fields = ["model"]


# A tuple: admin types fields and readonly_fields differently, and one list could not be both.
_MESSAGE_FIELDS = ("role", "status", "model", "prompt_tokens", "completion_tokens", "usage_estimated", "cost_usd")


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = _MESSAGE_FIELDS
    readonly_fields = _MESSAGE_FIELDS
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    # Metadata only: what people asked is theirs; the admin shows usage, not content.
    list_display = ["uuid", "shop", "agent", "created_at", "updated_at", "deleted_at"]
    list_filter = ["agent"]
    search_fields = ["uuid", "shop__name"]
    raw_id_fields = ["shop", "user", "agent"]
    exclude = ["title"]
    readonly_fields = ["uuid", "shop", "user", "agent", "deleted_at"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["uuid", "shop", "role", "status", "model", "prompt_tokens", "completion_tokens", "cost_usd"]
    list_filter = ["status", "role", "usage_estimated", "model"]
    exclude = ["content"]
    readonly_fields = [
        "uuid", "conversation", "shop", "role", "status", "superseded", "model", "prompt_tokens", "completion_tokens",
        "usage_estimated", "cost_usd", "time_to_first_token_ms", "duration_ms", "finish_reason", "error_code",
    ]  # fmt: skip
