"""The one fetcher of the platform and its guards (shared layer, decision 0063): `fetchers` (the
only code that goes on the network, 0028), `addresses` (no fetch reaches inside, 0043), `gates`
(per-host politeness, 0034) and `conf` (their settings). Monitoring, the portal check of proof of
control, the continuity check and the registration forms' address warning use it."""
