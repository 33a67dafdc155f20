package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.ChannelSpec;
import dev.offload.transport.internal.Channels;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;


/**
 * A child JVM for the cross-process tests. Modes:
 * <ul>
 *   <li>{@code echo}: a worker on its real stdin/stdout doorbell (channel from {@code OFFLOAD_CHANNEL}):
 *       says HELLO, echoes every frame as a RESULT until BYE (exit 0) or the parent's EOF (exit 3).</li>
 *   <li>{@code flags}: prints {@link ChronicleSupport#missingJvmFlags()}, one per line.</li>
 *   <li>{@code selftest DIR}: opens both sides of a channel in-process and moves one frame, so the
 *       parent can check that loading and using Chronicle wrote nothing to stdout.</li>
 * </ul>
 */
public final class ShmChildMain {
    static final int EXIT_PEER_CLOSED = 3;

    private ShmChildMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "echo" -> System.exit(echo());
            case "flags" -> ChronicleSupport.missingJvmFlags().forEach(System.out::println);
            case "selftest" -> selfTest(Path.of(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static int echo() throws Exception {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        InputStream stdin = new FileInputStream(FileDescriptor.in);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        ChannelSpec spec = ChannelSpec.parse(System.getenv(ChannelSpec.ENV));
        try (Channel channel = Channels.openWorkerSide(spec, stdin, stdout, "child")) {
            channel.send(Frame.control(FrameType.HELLO));
            while (true) {
                Frame frame = channel.receive();
                if (frame.type() == FrameType.BYE) {
                    return 0;
                }
                channel.send(new Frame(FrameType.RESULT, frame.jobId(), frame.attempt(), "", 0, frame.payload()));
            }
        } catch (ChannelClosedException e) {
            System.err.println("child: " + e.getMessage());
            return EXIT_PEER_CLOSED;
        }
    }

    private static void selfTest(Path workerDir) throws Exception {
        ChannelOptions options = ChannelOptions.defaults();
        ShmChannel.prepare(workerDir, options);
        ShmChannel[] ends = ShmFixture.connect(workerDir, options, SpinGate.shared(), "p", "w");
        try (ShmChannel parent = ends[0]; ShmChannel worker = ends[1]) {
            parent.send(Frame.control(FrameType.JOB));
            if (worker.receive().type() != FrameType.JOB) {
                throw new AssertionError("no JOB");
            }
        }
    }
}
