"""The audit log: the append-only events every change writes (services.audit_record), and the
pages and API that read them."""
