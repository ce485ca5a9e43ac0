from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What chat knows that the apps below it show (they do not import chat): which agents are
        # writing an answer for a shop (their busy state), and the chats used in a billing period.
        from agents.selectors import busy_source_register
        from billing.usage import meter_register
        from chat.receivers import demo_shop_chats
        from chat.selectors import agents_answering, chats_used
        from sixfb.signals import demo_shop_seeded

        busy_source_register(agents_answering)
        meter_register("chats", chats_used)
        demo_shop_seeded.connect(demo_shop_chats, dispatch_uid="chat.demo_shop_chats")
