"""Shared pieces of the REST API."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError


def call_service(service, **kwargs):
    """Runs a service, turning its Django errors into the API's 400 and 403 answers."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(getattr(exc, "message_dict", exc.messages)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
