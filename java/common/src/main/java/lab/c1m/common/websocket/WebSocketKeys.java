package lab.c1m.common.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The opening handshake's two keys (RFC 6455 4.1 and 4.2.2): the client's random Sec-WebSocket-Key, and the
 * Sec-WebSocket-Accept by which a server proves it read that key. Both jars compute the same one here.
 */
public final class WebSocketKeys {
    /** RFC 6455 1.3: the GUID every server appends to the client's key before hashing it. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1, which RFC 6455 requires", e);
        }
    });

    private WebSocketKeys() {
    }

    /** 16 random bytes in base64: a key needs to be fresh, not secret, so the thread's cheap random will do. */
    public static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** What a server must answer to {@code key}: base64(SHA-1(key + GUID)). */
    public static String accept(String key) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        return Base64.getEncoder().encodeToString(sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII)));
    }
}
