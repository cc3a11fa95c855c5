"""Prometheus metrics, in one registry of their own (served at /metrics).

Counters are per process: behind several uvicorn workers each worker counts its own share
(scrape each, or run one worker per container).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPLOADS = Counter("edihub_uploads", "Files received, by source, standard and final status",
                  ["source", "standard", "status"], registry=REGISTRY)
MESSAGES = Counter("edihub_messages", "Messages ingested, by standard, type and status",
                   ["standard", "type", "status"], registry=REGISTRY)
INGEST_SECONDS = Histogram("edihub_ingest_seconds", "Time to store, parse, map and write one "
                           "upload", ["standard"], registry=REGISTRY,
                           buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
ROWS_WRITTEN = Counter("edihub_rows_written", "Fact rows written, by kind", ["kind"],
                       registry=REGISTRY)
JOB_RUNS = Counter("edihub_job_runs", "Scheduled job runs, by job and outcome",
                   ["job", "outcome"], registry=REGISTRY)
ALERTS_RAISED = Counter("edihub_alerts_raised", "Alerts raised, by kind", ["kind"],
                        registry=REGISTRY)
WEBHOOK_DELIVERIES = Counter("edihub_webhook_deliveries", "Webhook delivery attempts, by "
                             "outcome (delivered | retry | failed)", ["outcome"],
                             registry=REGISTRY)
HTTP_SECONDS = Histogram("edihub_http_request_seconds", "HTTP request latency",
                         ["method", "route", "status"], registry=REGISTRY)
