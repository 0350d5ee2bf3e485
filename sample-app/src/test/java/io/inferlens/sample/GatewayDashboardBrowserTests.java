package io.inferlens.sample;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard page of the sample gateway in a real headless Chromium, driven by
 * Selenium through ChromeDriver: after real chat traffic, the tiles, the model table and
 * the trace list show it, a trace opens as a waterfall with its span attributes and log
 * lines, the page refreshes on its own, and a hostile string from a request header is
 * shown as text and never run. Screenshots are kept in {@code target/dashboard*.png}.
 * <p>
 * Needs Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs; elsewhere the test is skipped unless
 * {@code INFERLENS_BROWSER_TESTS=required}, which {@code .ci/run} sets so that a missing
 * browser fails the build there.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms", "gateway.cache.size=0",
                "inferlens.dashboard.refresh=1s" })
@AutoConfigureTracing
@AutoConfigureMetrics
class GatewayDashboardBrowserTests {

    private static final String CHROMIUM = "/usr/bin/chromium";

    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static final String HOSTILE_TRACE_ID = "5af92f3577b34da6a3ce929d0e0e4737";

    private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

    /**
     * A model name as a hostile caller might send it: in the models, breakers and spans.
     */
    private static final String HOSTILE_MODEL = "<img src=x onerror=window.__pwned=3><script>window.__pwned=4</script>";

    private static ChromeDriverService service;

    private static ChromeDriver browser;

    private static Path profile;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean installed = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
        if (!installed && "required".equals(System.getenv("INFERLENS_BROWSER_TESTS"))) {
            throw new IllegalStateException(
                    CHROMIUM + " and " + CHROMEDRIVER + " are required: apt-get install" + " chromium chromium-driver");
        }
        assumeTrue(installed, "Debian chromium and chromium-driver are not installed");
        profile = Files.createTempDirectory("inferlens-chromium");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1400,2200", "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(profile);
        }
    }

    @Test
    void dashboardShowsTrafficAndOpensATraceAsAWaterfallWithItsLogs() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertThat(chat("question " + i + " " + "about the weather ".repeat(i * 20), null, "dashboard-test"))
                .isEqualTo(200);
        }
        assertThat(chat("hello", HOSTILE_TRACE_ID, HOSTILE)).isEqualTo(200);
        assertThat(chat(HOSTILE_MODEL, "hello", null, "dashboard-test")).isEqualTo(200);

        browser.get("http://127.0.0.1:" + this.port + "/inferlens");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until((driver) -> !text("#tile-throughput").isEmpty() && !text("#tile-throughput").equals("—"));
        assertThat(Double.parseDouble(text("#tile-throughput"))).isPositive();
        assertThat(text("#tile-error-rate")).isEqualTo("0.0%");
        assertThat(text("#tile-tokens").replace(",", "")).matches("[1-9][0-9]*");
        assertThat(text("#tile-cost")).startsWith("$").isNotEqualTo("$0.0000");
        assertThat(text("#tile-p95")).endsWith("ms");
        assertThat(rows("#models tbody tr")).extracting(WebElement::getText)
            .anySatisfy((row) -> assertThat(row).startsWith("sim-"));
        assertThat(browser.findElements(By.cssSelector("#latency-histogram .bar"))).isNotEmpty();
        assertThat(text("#circuit-breakers")).containsIgnoringCase("sim-large").containsIgnoringCase("closed");
        assertThat(text("#experiments")).contains("routing-policy");
        // The hostile model name is text in the models table and the circuit breakers.
        assertThat(text("#models")).contains(HOSTILE_MODEL);
        assertThat(text("#circuit-breakers")).contains(HOSTILE_MODEL);
        assertThat(browser.findElements(By.cssSelector("main img, main script"))).isEmpty();
        wait.until((driver) -> rows("#traces tbody tr[data-trace-id]").size() >= 7);
        // Neither the page nor its polling of the endpoint is traced.
        assertThat(text("#traces")).contains("/v1/chat/completions")
            .doesNotContain("/actuator/inferlens")
            .doesNotContain("/inferlens");
        // A chat's line has the tokens and cost of its model call, from the call's
        // record.
        assertThat(rows("#traces tbody tr[data-trace-id]")).extracting(WebElement::getText)
            .anySatisfy(
                    (row) -> assertThat(row).containsPattern("sim-(small|large)\\s+[\\d,]+ / [\\d,]+\\s+\\$0\\.\\d+"));
        screenshot("dashboard.png");

        // It refreshes on its own.
        int before = rows("#traces tbody tr[data-trace-id]").size();
        assertThat(chat("one more", null, "dashboard-test")).isEqualTo(200);
        wait.until((driver) -> rows("#traces tbody tr[data-trace-id]").size() > before);

        WebElement hostileRow = browser
            .findElement(By.cssSelector("#traces tbody tr[data-trace-id='" + HOSTILE_TRACE_ID + "']"));
        hostileRow.click();
        wait.until((driver) -> browser.findElement(By.id("trace-detail")).isDisplayed()
                && rows("#waterfall .span-row").size() >= 3);
        List<String> spanNames = rows("#waterfall .span-row .span-name").stream().map(WebElement::getText).toList();
        assertThat(spanNames).contains("gateway.route").anySatisfy((name) -> assertThat(name).startsWith("chat "));
        assertThat(spanNames.get(0)).startsWith("http post");
        WebElement modelSpan = rows("#waterfall .span-row").stream()
            .filter((row) -> row.findElement(By.cssSelector(".span-name")).getText().startsWith("chat "))
            .findFirst()
            .orElseThrow();
        modelSpan.click();
        wait.until((driver) -> text("#span-attributes").contains("gen_ai.request.model"));
        assertThat(text("#span-attributes")).contains("gen_ai.usage.input_tokens");
        wait.until((driver) -> !rows("#trace-logs li").isEmpty());
        assertThat(text("#trace-logs")).contains("POST /v1/chat/completions 200");
        // The user agent of that request was logged; the page shows it as text.
        assertThat(text("#trace-logs")).contains("<script>window.__pwned=2</script>");
        assertThat(browser.findElements(By.cssSelector("#trace-detail img, #trace-detail script"))).isEmpty();
        assertThat(browser.executeScript("return window.__pwned === undefined")).isEqualTo(true);
        screenshot("dashboard-trace.png");
    }

    @Test
    void endpointAndHealthAreExposedOverHttp() throws Exception {
        // The gateway creates a model's circuit breaker on its first call.
        assertThat(chat("hello", null, "health-test")).isEqualTo(200);
        HttpResponse<String> summary = get("/actuator/inferlens");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("\"traffic\"").contains("\"circuitBreakers\"");
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(health.body(), "$.components.inferlens.status")).isEqualTo("UP");
        assertThat(JsonPath.<java.util.Map<String, String>>read(health.body(),
                "$.components.inferlens.details.circuitBreakers"))
            .isNotEmpty()
            .containsValue("closed")
            .doesNotContainValue("open");
        assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
    }

    private int chat(String prompt, String traceId, String userAgent) throws Exception {
        return chat("auto", prompt, traceId, userAgent);
    }

    private int chat(String model, String prompt, String traceId, String userAgent) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .header("User-Agent", userAgent)
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceId != null) {
            request.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }

    private static List<WebElement> rows(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    private static void screenshot(String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

}
