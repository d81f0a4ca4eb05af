package dev.baton.coordinator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.flow.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Endpoint and region resolution of the coordinator's own client (no call is made). */
class DynamoDbClientsTest {

    @Test
    void theConfiguredEndpointWinsOverTheEnvironment() {
        DynamoDbConfig config = DynamoDbConfig.of("tbl").withEndpoint(URI.create("http://127.0.0.1:8001"))
                .withRegion("eu-west-1");
        DynamoDbClients.Resolved r = DynamoDbClients.create(config,
                Map.of(DynamoDbClients.ENDPOINT_ENV, "http://127.0.0.1:9999")::get);
        try (var client = r.client()) {
            assertEquals(Optional.of(URI.create("http://127.0.0.1:8001")),
                    client.serviceClientConfiguration().endpointOverride());
            assertEquals(Region.EU_WEST_1, client.serviceClientConfiguration().region());
            assertEquals("endpoint http://127.0.0.1:8001", r.where());
        }
    }

    @Test
    void batonsEnvironmentVariableGivesTheEndpointWhenNoneIsConfigured() {
        DynamoDbClients.Resolved r = DynamoDbClients.create(DynamoDbConfig.of("tbl").withRegion("us-west-2"),
                Map.of(DynamoDbClients.ENDPOINT_ENV, " http://127.0.0.1:8002 ")::get);
        try (var client = r.client()) {
            assertEquals(Optional.of(URI.create("http://127.0.0.1:8002")),
                    client.serviceClientConfiguration().endpointOverride());
            assertEquals("endpoint http://127.0.0.1:8002", r.where());
        }
    }

    @Test
    void withoutAnyEndpointTheRegionNamesWhereItPoints() {
        DynamoDbClients.Resolved r = DynamoDbClients.create(DynamoDbConfig.of("tbl").withRegion("ap-south-1"),
                name -> null);
        try (var client = r.client()) {
            assertEquals("region ap-south-1", r.where());
        }
    }

    @Test
    void aMalformedEndpointVariableIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DynamoDbClients.create(
                DynamoDbConfig.of("tbl").withRegion("us-east-1"),
                Map.of(DynamoDbClients.ENDPOINT_ENV, "http://bad host")::get));
        assertTrue(e.getMessage().contains(DynamoDbClients.ENDPOINT_ENV), e.getMessage());
    }

    @Test
    void configValidationNamesTheOption() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DynamoDbConfig.of("a b"));
        assertTrue(e.getMessage().contains("--dynamodb-table") && e.getMessage().contains("'a b'"), e.getMessage());
        assertThrows(ConfigurationException.class,
                () -> DynamoDbConfig.of("tbl").withRetention(Duration.ofDays(-1)));
        assertEquals(Duration.ofDays(30), DynamoDbConfig.of("tbl").retention());
        assertEquals(Duration.ofDays(7), new DynamoDbConfig("tbl", null, null, 7).retention());
    }
}
