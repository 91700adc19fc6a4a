"""The public verification page `/verify/<token>`: what a phone's camera opens from the QR code.

Plain server-rendered HTML, large type, no script and no inline style (a Content-Security-Policy
is coming), nothing from another host. Rate-limited with the same throttle as the API.
"""

from __future__ import annotations

import math

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from certificates import online
from certificates.apis.verify import VerifyThrottle, verification_data
from certificates.models import CertificateKind
from registry.models import Commune


@require_safe
def verify_page(request, token: str):
    throttle = VerifyThrottle()
    if not throttle.allow_request(request, None):
        wait = math.ceil(throttle.wait() or 60)
        response = render(request, "certificates/verify.html", {"throttled": True, "wait": wait},
                          status=429)  # fmt: skip
        response["Retry-After"] = str(wait)
        return response
    result = online.certificate_verify(token)
    data = verification_data(result)
    commune = None
    if data["commune_code"]:
        commune = Commune.objects.filter(code=data["commune_code"]).first()
    context = {
        "result": data,
        "kind_label": CertificateKind(data["kind"]).label
        if data["kind"] in CertificateKind.values
        else "",
        "commune": commune,
        "checked_at": timezone.localtime(),
    }
    response = render(request, "certificates/verify.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response
