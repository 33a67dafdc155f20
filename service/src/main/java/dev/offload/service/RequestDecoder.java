package dev.offload.service;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/** Netty's request decoder, telling whether it holds the first bytes of a next request. Event loop only. */
final class RequestDecoder extends HttpRequestDecoder {

    RequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /**
     * True if bytes of a next request arrived with the end of the one just decoded (pipelining).
     * Blank lines do not count: a client may send one after a body, and they begin no request.
     */
    boolean holdsNextRequest() {
        ByteBuf held = internalBuffer();
        for (int i = held.readerIndex(); i < held.writerIndex(); i++) {
            byte b = held.getByte(i);
            if (b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }
}
