package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import java.util.Set;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads share one token; every answer is the right one. */
public abstract class ConcurrencyContract extends TokenContract {

  /**
   * Rounds (MAC, verify, seal, open) each of the 8 threads runs. NSS's token takes 5 to 20 times
   * SoftHSM2's time for the same work when the cores are shared (28 s at load 5, over 120 s at
   * load 19 for 150 rounds), so its test asks for fewer: the question is whether concurrent
   * answers are right, not how fast they come.
   */
  protected int roundsPerThread() {
    return 150;
  }

  @Test
  void concurrentMacsAndGcm_allGiveCorrectResults() throws Exception {
    int threads = 8;
    int perThread = roundsPerThread();
    {
      SecureRandom random = new SecureRandom();
      List<KeyLabel> labels = new ArrayList<>();
      List<byte[]> secrets = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        byte[] s = new byte[32];
        random.nextBytes(s);
        KeyLabel label = KeyLabel.of("ak-" + k);
        token.importHmacSecret(label, SecretBytes.copyOf(s));
        labels.add(label);
        secrets.add(s);
      }
      KeyLabel aes = KeyLabel.of("aes");
      token.generateAesKey(aes);

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Integer> work =
            () -> {
              start.await();
              SecureRandom r = new SecureRandom();
              int ok = 0;
              for (int i = 0; i < perThread; i++) {
                int k = (thread + i) % labels.size();
                byte[] data = new byte[1 + r.nextInt(300)];
                r.nextBytes(data);
                byte[] mac = token.mac(labels.get(k), data);
                if (java.util.Arrays.equals(mac, HmacContract.softwareHmac(secrets.get(k), data))) {
                  token.verifyMac(labels.get(k), data, mac); // throws on a wrong answer
                  ok++;
                }
                byte[] sealed = token.encrypt(aes, data, null);
                if (java.util.Arrays.equals(data, token.decrypt(sealed, null, Set.of(aes)))) {
                  ok++;
                }
              }
              return ok;
            };
        results.add(pool.submit(work));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        // A hang detector, not a speed limit: generous for a loaded CI machine.
        total += f.get(300, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(total).isEqualTo(threads * perThread * 2);
      assertThat(token.health().isUp()).isTrue();
    }
  }
}
