"""Celery tasks for reviews: thin, take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(name="reviews.invitation_send")
def invitation_send(invitation_id):
    return services.invitation_mail(invitation_id=invitation_id)
