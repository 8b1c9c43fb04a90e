#if canImport(Glibc)
    import Glibc
#endif

/// A place in the input where a conversion stopped: the byte offset of the offending sequence and its length.
struct DecodeFailure: Equatable {
    /// 0-based byte offset in the input as given (a byte order mark included).
    var offset: Int
    /// How many bytes to show in the message (at least 1 when the input has a byte there).
    var length: Int
    /// True when the input ends in the middle of a character rather than holding an invalid one.
    var incomplete: Bool
}

/// Why a conversion failed: bad input at a place, or no converter on this machine.
enum ConversionFailure: Error {
    case invalid(DecodeFailure)
    case unavailable(String)
}

/// Whole-buffer conversions through glibc's iconv (Foundation on Linux has no GB18030).
///
/// Both directions are stateless encodings, so one `iconv` call converts everything or stops at the first
/// invalid or incomplete sequence, whose offset is the number of input bytes consumed.
enum Iconv {
    /// What one pass over the input produced.
    private enum Outcome {
        case converted(written: Int)
        case invalid(offset: Int)
        case incomplete(offset: Int)
        case outputFull
        case failed(Int32)
    }

    /// One `iconv` call over all of `input`, writing into `output`.
    private static func run(
        _ descriptor: iconv_t, _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Outcome {
        guard let inputBase = input.baseAddress, input.count > 0 else { return .converted(written: 0) }
        guard let outputBase = output.baseAddress else { return .outputFull }
        // iconv takes `char **` but never writes through the input pointer.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inputBase)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBase)
            .assumingMemoryBound(to: CChar.self)
        var outLeft = output.count
        let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
        let consumed = input.count - inLeft
        if result != -1 { return .converted(written: output.count - outLeft) }
        switch errno {
        case EILSEQ: return .invalid(offset: consumed)
        case EINVAL: return .incomplete(offset: consumed)
        case E2BIG: return .outputFull
        case let code: return .failed(code)
        }
    }

    /// Opens a converter, runs `body`, closes it.
    private static func withDescriptor<R>(
        from source: String, to target: String, _ body: (iconv_t) throws(ConversionFailure) -> R
    ) throws(ConversionFailure) -> R {
        let descriptor: iconv_t = iconv_open(target, source)
        if descriptor == iconv_t(bitPattern: -1) {
            let reason = String(cString: strerror(errno))
            throw .unavailable("\(source) to \(target) conversion is not available (iconv_open: \(reason))")
        }
        defer { iconv_close(descriptor) }
        return try body(descriptor)
    }

    /// Converts `input` with a first guess of `capacity` output bytes, doubling it if the guess was short.
    ///
    /// `make` builds the result from a buffer filler (a `String` or an `[UInt8]` initializer), so the output
    /// is written in place without an extra copy.
    static func convert<R>(
        _ input: UnsafeBufferPointer<UInt8>, from source: String, to target: String, capacity: Int,
        make: (Int, (UnsafeMutableBufferPointer<UInt8>) -> Int) -> R
    ) throws(ConversionFailure) -> R {
        try withDescriptor(from: source, to: target) { descriptor throws(ConversionFailure) in
            var capacity = max(capacity, 16)
            while true {
                var outcome = Outcome.converted(written: 0)
                let result = make(capacity) { output in
                    // Start every attempt from the initial state.
                    _ = iconv(descriptor, nil, nil, nil, nil)
                    outcome = run(descriptor, input, into: output)
                    if case .converted(let written) = outcome { return written }
                    return 0
                }
                switch outcome {
                case .converted: return result
                case .outputFull: capacity *= 2
                case .invalid(let offset):
                    throw .invalid(DecodeFailure(offset: offset, length: 1, incomplete: false))
                case .incomplete(let offset):
                    throw .invalid(DecodeFailure(offset: offset, length: input.count - offset, incomplete: true))
                case .failed(let code):
                    throw .unavailable("\(source) to \(target) conversion failed: \(String(cString: strerror(code)))")
                }
            }
        }
    }
}
