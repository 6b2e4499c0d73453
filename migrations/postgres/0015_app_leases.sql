-- Each serving process (replica) of the app, and when it last said it was
-- alive: maintenance commands that must not run under a live app
-- (`vault rekey`) refuse while any lease is fresh. A crashed process's
-- lease simply goes stale.
CREATE TABLE app_leases (
    instance    TEXT PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL
);
