-- Limiter keys are now SHA-256 digests. Rows written before held the email
-- and client addresses in plain text; they count for 15 minutes at most, so
-- dropping them resets a few counters and leaves no address behind.
DELETE FROM auth_failures;
