-- mailsuite users and domains (control/USERDB.md).  Load with
--   psql -v ON_ERROR_STOP=1 -f userdb/schema.sql DBNAME
CREATE TABLE mailsuite_users (
    -- local@domain; the domain lower case (compared without case)
    address       text PRIMARY KEY CHECK (address ~ '^[^@:[:space:]]+@[a-z0-9.-]+$'),
    uid           integer NOT NULL CHECK (uid >= 1),
    gid           integer NOT NULL CHECK (gid >= 1),
    -- absolute; deliveries go to home/Maildir/
    home          text NOT NULL CHECK (home LIKE '/%' AND home !~ '[:[:cntrl:]]'),
    -- crypt(3): yescrypt $y$... or SHA-512 $6$...; '' or '!...': no login
    password_hash text NOT NULL DEFAULT '' CHECK (password_hash !~ '[:[:space:]]'),
    -- Maildir++ quota parts; both NULL: control/defaultquota applies
    quota_bytes   bigint CHECK (quota_bytes >= 0),
    quota_count   bigint CHECK (quota_count >= 0)
);

CREATE TABLE mailsuite_domains (
    -- lower case; '.example.com' means every subdomain
    domain text PRIMARY KEY CHECK (domain ~ '^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$'),
    -- mailbox: rcpthosts and virtualdomains (delivered here, users above);
    -- relay: rcpthosts only (accepted and relayed by MX or smtproutes)
    kind   text NOT NULL DEFAULT 'mailbox' CHECK (kind IN ('mailbox', 'relay'))
);

-- Every change to either table, once per statement, wakes each
-- mailsuite-userdb-sync that LISTENs (delivered at COMMIT).
CREATE FUNCTION mailsuite_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mailsuite_users', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER mailsuite_users_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mailsuite_users
    FOR EACH STATEMENT EXECUTE FUNCTION mailsuite_notify();
CREATE TRIGGER mailsuite_domains_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mailsuite_domains
    FOR EACH STATEMENT EXECUTE FUNCTION mailsuite_notify();

-- The sync's role reads, nothing more.
-- CREATE ROLE mailsuite_sync LOGIN PASSWORD '...';
-- GRANT SELECT ON mailsuite_users, mailsuite_domains TO mailsuite_sync;
