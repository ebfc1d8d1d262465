"""The evaluation worker as the reliability tests run it in a subprocess
(`celery -A reliability_celery_app:celery worker --pool solo`): the real `create_worker` app, on a queue and
Redis key prefix of the test's own (nothing another test left on the shared Redis reaches it, nothing of it
reaches another test), with a short visibility timeout and restore sweep so that a task a killed worker held
unacknowledged is redelivered within seconds instead of an hour."""

import os

from linli_evaluation.config import get_settings
from linli_evaluation.worker import create_worker

QUEUE = os.environ["LINLI_RELIABILITY_QUEUE"]
TRANSPORT_OPTIONS = {
    "global_keyprefix": os.environ["LINLI_RELIABILITY_KEYPREFIX"],
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

celery = create_worker(get_settings())
celery.conf.task_default_queue = QUEUE
celery.conf.broker_transport_options = TRANSPORT_OPTIONS
