package lab.c1m.common.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FailureKindTest {
    @BeforeAll
    static void loadNettyNatives() {
        // Errors' constants come from the native library, which the transport loads in real runs.
        assumeTrue(Epoll.isAvailable(), "native epoll is needed to build NativeIoExceptions");
    }

    @Test
    void nativeErrnosAreClassifiedByNumber() {
        assertEquals(FailureKind.ECONNREFUSED, FailureKind.classify(new Errors.NativeIoException("connect", -111)));
        assertEquals(FailureKind.EADDRNOTAVAIL, FailureKind.classify(new Errors.NativeIoException("connect", -99)));
        assertEquals(FailureKind.EMFILE, FailureKind.classify(new Errors.NativeIoException("socket", -24)));
        assertEquals(FailureKind.ENFILE, FailureKind.classify(new Errors.NativeIoException("socket", -23)));
        assertEquals(FailureKind.ETIMEDOUT, FailureKind.classify(new Errors.NativeIoException("connect", -110)));
        assertEquals(FailureKind.ECONNRESET, FailureKind.classify(new Errors.NativeIoException("read", -104)));
        assertEquals(FailureKind.ENOBUFS, FailureKind.classify(new Errors.NativeIoException("connect", -105)));
        assertEquals(FailureKind.ENOBUFS, FailureKind.classify(new Errors.NativeIoException("socket", -12)));
    }

    @Test
    void nettyTimeoutsAndWrappedCausesAreFound() {
        assertEquals(FailureKind.ETIMEDOUT, FailureKind.classify(new ConnectTimeoutException("connection timed out after 10000 ms")));
        ChannelException wrapped = new ChannelException("Unable to create Channel from class EpollSocketChannel",
            new Errors.NativeIoException("socket", -24));
        assertEquals(FailureKind.EMFILE, FailureKind.classify(wrapped));
    }

    @Test
    void nioMessagesAreClassifiedByText() {
        assertEquals(FailureKind.ECONNREFUSED, FailureKind.classify(new ConnectException("Connection refused")));
        assertEquals(FailureKind.EADDRNOTAVAIL, FailureKind.classify(new BindException("Cannot assign requested address")));
        assertEquals(FailureKind.EMFILE, FailureKind.classify(new SocketException("Too many open files")));
        assertEquals(FailureKind.ENFILE, FailureKind.classify(new SocketException("Too many open files in system")));
        assertEquals(FailureKind.ECONNRESET, FailureKind.classify(new IOException("Connection reset by peer")));
    }

    @Test
    void anythingElseIsOther() {
        assertEquals(FailureKind.OTHER, FailureKind.classify(new IOException("No route to host")));
        assertEquals(FailureKind.OTHER, FailureKind.classify(new IllegalStateException()));
    }
}
