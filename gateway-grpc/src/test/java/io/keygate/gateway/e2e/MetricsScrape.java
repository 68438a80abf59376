package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** A node's metrics port as a scraper and an orchestrator's probe see it: plain HTTP GETs. */
record MetricsScrape(String body, Map<String, Double> values) {

  static HttpResponse<String> get(int port, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET /metrics}, each sample by its name and labels ({@code name{a="b",c="d"}}). */
  static MetricsScrape of(int port) throws Exception {
    HttpResponse<String> r = get(port, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> values = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      // (this exporter writes a comma after the last label: {code="X",})
      values.put(line.substring(0, space).replace(",}", "}"),
          Double.parseDouble(line.substring(space + 1)));
    }
    return new MetricsScrape(r.body(), values);
  }

  /** Scrapes until {@code until} holds (the end of a call is counted just after the client sees it). */
  static MetricsScrape awaiting(int port, Predicate<MetricsScrape> until) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      MetricsScrape scrape = of(port);
      if (until.test(scrape) || System.nanoTime() > deadline) {
        return scrape;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  double value(String name) {
    return values.getOrDefault(name, 0.0);
  }

  double delta(MetricsScrape before, String name) {
    return value(name) - before.value(name);
  }
}
