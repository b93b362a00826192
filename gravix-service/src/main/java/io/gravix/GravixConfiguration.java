package io.gravix;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.gravix.admin.AdminConfig;
import io.gravix.admin.ProbesConfig;
import io.gravix.ingest.AuthConfig;
import io.gravix.ingest.IngestConfig;
import io.gravix.rollup.RollupConfig;
import io.gravix.spool.SpoolConfig;
import io.gravix.store.LocalStoreConfig;
import io.gravix.store.StoreConfig;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/** The whole configuration; each block is its own class beside the code it configures. */
public final class GravixConfiguration extends Configuration {
    /** Root of everything Gravix keeps on disk: spool/, index.db, dlq/, rollup-work/, seen-ids/ and lake/ (with the local store). */
    @NotEmpty
    private String dataDir = "./data";

    @Valid
    @NotNull
    private IngestConfig ingest = new IngestConfig();

    @Valid
    @NotNull
    private SpoolConfig spool = new SpoolConfig();

    @Valid
    @NotNull
    private AuthConfig auth = new AuthConfig();

    @Valid
    @NotNull
    private AdminConfig admin = new AdminConfig();

    /** Where rolled-up files go: {@code type: local} (default, {@code <dataDir>/lake}) or {@code s3}. */
    @Valid
    @NotNull
    private StoreConfig store = new LocalStoreConfig();

    @JsonProperty
    public String getDataDir() { return dataDir; }
    @JsonProperty
    public void setDataDir(String v) { dataDir = v; }
    @JsonProperty
    public IngestConfig getIngest() { return ingest; }
    @JsonProperty
    public void setIngest(IngestConfig v) { ingest = v; }
    @JsonProperty
    public SpoolConfig getSpool() { return spool; }
    @JsonProperty
    public void setSpool(SpoolConfig v) { spool = v; }
    @JsonProperty
    public AuthConfig getAuth() { return auth; }
    @JsonProperty
    public void setAuth(AuthConfig v) { auth = v; }
    @JsonProperty
    public AdminConfig getAdmin() { return admin; }
    @JsonProperty
    public void setAdmin(AdminConfig v) { admin = v; }
    @Valid
    @NotNull
    private RollupConfig rollup = new RollupConfig();

    @JsonProperty
    public RollupConfig getRollup() { return rollup; }

    /**
     * A retry of an event is accepted until {@code maxEventAge} after its timestamp, and the
     * timestamp may be up to {@code maxClockSkew} after its first copy arrived; the first
     * copy's id must still be remembered then, so the dedupe window must cover both.
     */
    @JsonIgnore
    @ValidationMethod(message = "ingest.maxEventAge + ingest.maxClockSkew must not exceed rollup.dedupeWindow: a retry"
            + " accepted that late would no longer be recognised as a duplicate. Lower ingest.maxEventAge or raise"
            + " rollup.dedupeWindow (the default window, 7 days 5 minutes, covers the default 7 days + 5 minutes)")
    public boolean isRetryWindowCoveredByDedupeWindow() {
        return ingest.getMaxEventAge().toMilliseconds() + ingest.getMaxClockSkew().toMilliseconds()
                <= rollup.getDedupeWindow().toMilliseconds();
    }
    @JsonProperty
    public void setRollup(RollupConfig v) { rollup = v; }
    @JsonProperty
    public StoreConfig getStore() { return store; }
    @JsonProperty
    public void setStore(StoreConfig v) { store = v; }

    @Valid
    @NotNull
    private ProbesConfig probes = new ProbesConfig();

    @JsonProperty
    public ProbesConfig getProbes() { return probes; }
    @JsonProperty
    public void setProbes(ProbesConfig v) { probes = v; }

    public Path dataPath() {
        return Path.of(dataDir);
    }
}
