"""Gunicorn settings for `make serve` (scripts/serve.sh). Every value can be changed by the environment."""

import multiprocessing
import os

bind = os.environ.get("ATLASIA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ATLASIA_WEB_WORKERS", str(min(4, 2 * multiprocessing.cpu_count() + 1))))
# Threads let a worker serve static files and short pages while another request waits on the database.
threads = int(os.environ.get("ATLASIA_WEB_THREADS", "2"))
timeout = int(os.environ.get("ATLASIA_WEB_TIMEOUT", "60"))
# Only the reverse proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("ATLASIA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# Request line without the query string: a search or a token never lands in the access log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
control_socket_disable = True  # one instance per machine would own ~/.gunicorn/gunicorn.ctl
wsgi_app = "config.wsgi:application"
