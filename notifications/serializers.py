"""The notifications API's shapes (`notifications.api`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from notifications.selectors import Item


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="Where it is about, in this site; may be empty.")
    created_at = serializers.DateTimeField()
    seen_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    archived = serializers.BooleanField()

    def to_representation(self, instance: Item) -> dict[str, Any]:
        n = instance.notification
        return super().to_representation(
            {
                "id": n.pk,
                "kind": n.kind,
                "title": instance.title,
                "url": instance.url,
                "created_at": n.created_at,
                "seen_at": n.seen_at,
                "read_at": n.read_at,
                "archived": n.archived_at is not None,
            }
        )


class NotificationPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `?cursor=` for the next page; null on the last."
    )
    unseen = serializers.IntegerField(help_text="The bell's number: visible notifications not seen yet.")


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only those not read yet.")
    archived = serializers.BooleanField(required=False, default=False, help_text="The archive instead.")
    cursor = serializers.CharField(required=False, default="", allow_blank=True)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)


class ReadAllSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class GroupChannelsSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)


class ChannelsSerializer(serializers.Serializer):
    """One entry per kind group (``notifications.kinds.SWITCHABLE_GROUPS``)."""

    bookings = GroupChannelsSerializer(required=False)
    billing = GroupChannelsSerializer(required=False)
    agents = GroupChannelsSerializer(required=False)
    marketing = GroupChannelsSerializer(required=False)
    summaries = GroupChannelsSerializer(required=False)


class QuietHoursSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM, the shop's time zone.")
    end = serializers.CharField(help_text="HH:MM, the shop's time zone.")


class PreferencesSerializer(serializers.Serializer):
    """For the schema: the body is validated by ``services.preferences`` (one set of rules)."""

    channels = ChannelsSerializer()
    quiet_hours = QuietHoursSerializer(allow_null=True)
