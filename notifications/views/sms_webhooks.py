"""Twilio's webhooks: status callbacks on texts we sent, and texts customers send to our number.

Both are checked against ``X-Twilio-Signature`` over ``SITE_URL`` + the request's path: the public
URL Twilio called (the one we gave it as ``StatusCallback``, or configured on the number). Behind a
proxy the request's own host and scheme are the proxy's, which Twilio never signed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.services.sms_replies import sms_reply_receive
from notifications.services.sms_status import sms_status_record

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _signed(request: HttpRequest) -> bool:
    from notifications.channels.sms import twilio  # the SDK loads only where Twilio is used

    return twilio.signature_valid(
        url=settings.SITE_URL + request.get_full_path(),
        params=request.POST,
        signature=request.headers.get("X-Twilio-Signature", ""),
    )


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    sms_status_record(
        message_sid=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=200)  # also for a sid we do not know: Twilio would retry anything else


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    outcome = sms_reply_receive(phone=request.POST.get("From", ""), body=request.POST.get("Body", ""))
    logger.info("inbound SMS %s: %s", request.POST.get("MessageSid", "?"), outcome)  # no number, no text
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
