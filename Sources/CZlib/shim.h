#ifndef CADENCED_CZLIB_SHIM_H
#define CADENCED_CZLIB_SHIM_H
/* zlib for reading and writing .xlsx files (zip archives of XML parts): raw inflate and CRC-32.
   inflateInit2 is a macro; this function stands for it. */
#include <zlib.h>

static inline int czlib_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}
#endif
