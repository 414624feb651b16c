"""JavaScript the browser tests share for reading Plotly charts in the page."""

# Defines ``decode(v)`` inside a function body: a trace array as Plotly holds it
# (a plain array, a typed array, or Python plotly's base64 {dtype, bdata}) as a plain array.
DECODE_ARRAYS = r"""
  const types = {f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array,
                 i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array};
  const decode = (v) => {
    if (v == null) return null;
    if (Array.isArray(v)) return v;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (typeof v.bdata === 'string' && types[v.dtype]) {
      const bin = atob(v.bdata), bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return Array.from(new types[v.dtype](bytes.buffer));
    }
    return null;
  };
"""
