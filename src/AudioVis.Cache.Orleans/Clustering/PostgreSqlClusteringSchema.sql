-- AudioVis.Cache: the tables and queries Orleans' ADO.NET clustering provider (invariant "Npgsql") reads and writes.
-- Written for this project from the provider's contract: it loads every query text from OrleansQuery by key, binds
-- @-parameters by name, reads result columns by name (case-insensitively), and treats a single returned value > 0 as
-- success. Each write is ONE statement (data-modifying CTEs), so it is atomic without stored functions.
-- Idempotent: safe to run on every start, by several processes at once (callers hold an advisory lock).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- One row per cluster (Orleans' "deployment"): the membership version every change bumps (optimistic concurrency).
CREATE TABLE IF NOT EXISTS audiovis_orleans_cluster
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    ChangedAt    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS audiovis_orleans_silo
(
    DeploymentId varchar(150)  NOT NULL REFERENCES audiovis_orleans_cluster (DeploymentId) ON DELETE CASCADE,
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     varchar(150)  NOT NULL,
    HostName     varchar(150)  NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Every write query answers exactly one row: 1 when it changed something, 0 when not (the provider reads the first row).
('InsertMembershipVersionKey', '
WITH inserted AS (
    INSERT INTO audiovis_orleans_cluster (DeploymentId) VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
'),
-- Inserts the silo only when the cluster is still at @Version and the silo row does not exist yet, and bumps the version.
('InsertMembershipKey', '
WITH bumped AS (
    UPDATE audiovis_orleans_cluster c
    SET Version = c.Version + 1, ChangedAt = now()
    WHERE c.DeploymentId = @DeploymentId AND c.Version = @Version
      AND NOT EXISTS (SELECT 1 FROM audiovis_orleans_silo s
                      WHERE s.DeploymentId = @DeploymentId AND s.Address = @Address AND s.Port = @Port AND s.Generation = @Generation)
    RETURNING c.DeploymentId
), inserted AS (
    INSERT INTO audiovis_orleans_silo (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT b.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM bumped b
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
'),
-- Updates the silo only when the cluster is still at @Version and the silo row exists, and bumps the version.
('UpdateMembershipKey', '
WITH bumped AS (
    UPDATE audiovis_orleans_cluster c
    SET Version = c.Version + 1, ChangedAt = now()
    WHERE c.DeploymentId = @DeploymentId AND c.Version = @Version
      AND EXISTS (SELECT 1 FROM audiovis_orleans_silo s
                  WHERE s.DeploymentId = @DeploymentId AND s.Address = @Address AND s.Port = @Port AND s.Generation = @Generation)
    RETURNING c.DeploymentId
), updated AS (
    UPDATE audiovis_orleans_silo s
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM bumped b
    WHERE s.DeploymentId = b.DeploymentId AND s.Address = @Address AND s.Port = @Port AND s.Generation = @Generation
    RETURNING 1
)
SELECT count(*)::integer FROM updated;
'),
-- Heartbeat: not versioned, result not read.
('UpdateIAmAlivetimeKey', '
UPDATE audiovis_orleans_silo
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
'),
-- The cluster row always comes back (with null silo columns when the silo is unknown): it carries the version.
('MembershipReadRowKey', '
SELECT c.DeploymentId, s.Address, s.Port, s.Generation, s.SiloName, s.HostName, s.Status, s.ProxyPort,
       s.SuspectTimes, s.StartTime, s.IAmAliveTime, c.Version
FROM audiovis_orleans_cluster c
LEFT JOIN audiovis_orleans_silo s
       ON s.DeploymentId = c.DeploymentId AND s.Address = @Address AND s.Port = @Port AND s.Generation = @Generation
WHERE c.DeploymentId = @DeploymentId;
'),
('MembershipReadAllKey', '
SELECT c.DeploymentId, s.Address, s.Port, s.Generation, s.SiloName, s.HostName, s.Status, s.ProxyPort,
       s.SuspectTimes, s.StartTime, s.IAmAliveTime, c.Version
FROM audiovis_orleans_cluster c
LEFT JOIN audiovis_orleans_silo s ON s.DeploymentId = c.DeploymentId
WHERE c.DeploymentId = @DeploymentId;
'),
-- Silo rows go with their cluster row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', '
DELETE FROM audiovis_orleans_cluster WHERE DeploymentId = @DeploymentId;
'),
('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM audiovis_orleans_silo
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
'),
-- Removes silos that stopped heart-beating before @IAmAliveTime, except active ones (status 3).
('CleanupDefunctSiloEntriesKey', '
DELETE FROM audiovis_orleans_silo
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
