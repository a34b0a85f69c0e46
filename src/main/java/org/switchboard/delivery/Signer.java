package org.switchboard.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.switchboard.model.BoundedCache;

/** Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} per active secret. */
public final class Signer {
  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signer() {}

  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The webhook-signature header value: one signature per secret, separated by spaces. */
  public static String signature(List<String> secrets, String id, long timestampSeconds, byte[] body) {
    return secrets.stream().map(s -> "v1," + sign(s, id, timestampSeconds, body)).collect(Collectors.joining(" "));
  }

  public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = mac(secret);
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A MAC keyed with the secret, cloned from one made once per secret: looking the algorithm up and keying it cost
   * more than signing a small body. Secrets are few (one or two per subscription), so the cache stays small.
   */
  private static Mac mac(String secret) throws GeneralSecurityException {
    Mac prototype = PROTOTYPES.get(secret, Signer::keyed);
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException providerCannot) {
      return keyed(secret);
    }
  }

  private static Mac keyed(String secret) throws GeneralSecurityException {
    byte[] key = Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac;
  }

  private static final BoundedCache<String, Mac> PROTOTYPES = new BoundedCache<>(10_000);
}
