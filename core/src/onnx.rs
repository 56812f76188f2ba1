//! The subset of the ONNX protobuf schema the advisor writes and reads (field numbers as in
//! `onnx.proto`). Encoding and decoding go through `prost`.

#![allow(missing_docs)]

use prost::Message;

#[derive(Clone, PartialEq, Message)]
pub struct ModelProto {
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
    #[prost(string, tag = "2")]
    pub producer_name: String,
    #[prost(string, tag = "3")]
    pub producer_version: String,
    #[prost(string, tag = "6")]
    pub doc_string: String,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "14")]
    pub metadata_props: Vec<StringStringEntryProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    pub domain: String,
    #[prost(int64, tag = "2")]
    pub version: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct StringStringEntryProto {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(string, tag = "4")]
    pub op_type: String,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    /// Operator domain; empty for the default ONNX domain.
    #[prost(string, tag = "7")]
    pub domain: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct AttributeProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(int32, tag = "20")]
    pub r#type: i32,
    #[prost(float, tag = "2")]
    pub f: f32,
    #[prost(int64, tag = "3")]
    pub i: i64,
    #[prost(bytes = "vec", tag = "4")]
    pub s: Vec<u8>,
    #[prost(message, optional, tag = "5")]
    pub t: Option<TensorProto>,
    #[prost(float, repeated, tag = "7")]
    pub floats: Vec<f32>,
    #[prost(int64, repeated, tag = "8")]
    pub ints: Vec<i64>,
    #[prost(bytes = "vec", repeated, tag = "9")]
    pub strings: Vec<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    pub data_type: i32,
    #[prost(float, repeated, tag = "4")]
    pub float_data: Vec<f32>,
    #[prost(int64, repeated, tag = "7")]
    pub int64_data: Vec<i64>,
    #[prost(string, tag = "8")]
    pub name: String,
    #[prost(bytes = "vec", tag = "9")]
    pub raw_data: Vec<u8>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ValueInfoProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorTypeProto {
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Dimension {
    #[prost(oneof = "DimValue", tags = "1, 2")]
    pub value: Option<DimValue>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum DimValue {
    #[prost(int64, tag = "1")]
    Value(i64),
    #[prost(string, tag = "2")]
    Param(String),
}

/// ONNX element type FLOAT.
pub const FLOAT: i32 = 1;
/// `TensorProto.DataType.FLOAT16`.
pub const FLOAT16: i32 = 10;
/// `TensorProto.DataType.INT8`.
pub const INT8: i32 = 3;
/// `TensorProto.DataType.INT64`.
pub const INT64: i32 = 7;
/// `TensorProto.DataType.STRING`.
pub const STRING: i32 = 8;
/// ONNX attribute type FLOAT.
pub const ATTR_FLOAT: i32 = 1;
/// ONNX attribute type INT.
pub const ATTR_INT: i32 = 2;
/// ONNX attribute type STRING.
pub const ATTR_STRING: i32 = 3;
/// ONNX attribute type TENSOR.
pub const ATTR_TENSOR: i32 = 4;
/// ONNX attribute type FLOATS.
pub const ATTR_FLOATS: i32 = 6;
/// ONNX attribute type INTS.
pub const ATTR_INTS: i32 = 7;
/// ONNX attribute type STRINGS.
pub const ATTR_STRINGS: i32 = 8;

impl TensorProto {
    /// A float tensor stored as little-endian raw bytes.
    pub fn floats(name: &str, dims: &[usize], values: &[f32]) -> Self {
        Self::raw(name, dims, FLOAT, values.len(), values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    /// A float16 tensor of `values` (each rounded to nearest) stored as little-endian raw bytes.
    pub fn halves(name: &str, dims: &[usize], values: &[f32]) -> Self {
        Self::raw(name, dims, FLOAT16, values.len(), values.iter().flat_map(|&v| half::f16::from_f32(v).to_le_bytes()).collect())
    }

    /// The values of a float16 tensor (from `raw_data`) as f32, exactly.
    pub fn half_values(&self) -> Option<Vec<f32>> {
        if self.data_type != FLOAT16 || !self.float_data.is_empty() || !self.raw_data.len().is_multiple_of(2) {
            return None;
        }
        Some(self.raw_data.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect())
    }

    /// An int8 tensor stored as raw bytes.
    pub fn int8s(name: &str, dims: &[usize], values: &[i8]) -> Self {
        Self::raw(name, dims, INT8, values.len(), values.iter().map(|&v| v as u8).collect())
    }

    /// The values of an int8 tensor stored as raw bytes (as [`TensorProto::int8s`] writes it).
    pub fn int8_values(&self) -> Option<Vec<i8>> {
        (self.data_type == INT8).then(|| self.raw_data.iter().map(|&b| b as i8).collect())
    }

    /// An int64 tensor (e.g. `Gather` indices) stored as little-endian raw bytes.
    pub fn int64s(name: &str, dims: &[usize], values: &[i64]) -> Self {
        Self::raw(name, dims, INT64, values.len(), values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    fn raw(name: &str, dims: &[usize], data_type: i32, len: usize, raw_data: Vec<u8>) -> Self {
        debug_assert_eq!(dims.iter().product::<usize>(), len);
        Self { dims: dims.iter().map(|&d| d as i64).collect(), data_type, name: name.into(), raw_data, ..Default::default() }
    }

    /// The values of an int64 tensor, from `raw_data` or `int64_data`.
    pub fn to_i64(&self) -> Option<Vec<i64>> {
        self.values(INT64, &self.int64_data, i64::from_le_bytes)
    }

    /// The values of a float tensor, from `raw_data` or `float_data`.
    pub fn to_f32(&self) -> Option<Vec<f32>> {
        self.values(FLOAT, &self.float_data, f32::from_le_bytes)
    }

    /// The values of a tensor of `data_type`: its typed field, else `raw_data` (little-endian,
    /// `N` bytes each).
    fn values<T: Copy, const N: usize>(&self, data_type: i32, typed: &[T], from_le: fn([u8; N]) -> T) -> Option<Vec<T>> {
        if self.data_type != data_type {
            return None;
        }
        if !typed.is_empty() {
            return Some(typed.to_vec());
        }
        if !self.raw_data.len().is_multiple_of(N) {
            return None;
        }
        Some(self.raw_data.chunks_exact(N).map(|b| from_le(b.try_into().expect("chunks of N bytes"))).collect())
    }
}

impl GraphProto {
    /// The graph's inputs that are fed (not initializers).
    pub fn data_inputs(&self) -> Vec<&ValueInfoProto> {
        let inits: std::collections::HashSet<&str> = self.initializer.iter().map(|t| t.name.as_str()).collect();
        self.input.iter().filter(|i| !inits.contains(i.name.as_str())).collect()
    }

    /// Tensor name → (node index, output index) of the node that writes it.
    pub fn producers(&self) -> std::collections::HashMap<&str, (usize, usize)> {
        self.node.iter().enumerate().flat_map(|(i, n)| n.output.iter().enumerate().map(move |(k, o)| (o.as_str(), (i, k)))).collect()
    }
}

impl ValueInfoProto {
    /// The tensor's element type (0 when not declared).
    pub fn elem_type(&self) -> i32 {
        self.r#type.as_ref().and_then(|t| t.tensor_type.as_ref()).map_or(0, |t| t.elem_type)
    }

    /// The tensor's declared dimensions (`None` for a symbolic or unknown one); empty when no
    /// shape is declared.
    pub fn dims(&self) -> Vec<Option<i64>> {
        let shape = self.r#type.as_ref().and_then(|t| t.tensor_type.as_ref()).and_then(|t| t.shape.as_ref());
        shape.map_or_else(Vec::new, |s| s.dim.iter().map(|d| if let Some(DimValue::Value(v)) = d.value { Some(v) } else { None }).collect())
    }

    /// A float tensor value with a symbolic batch dimension and fixed other dimensions.
    pub fn batch_floats(name: &str, cols: usize) -> Self {
        let dim = vec![Dimension { value: Some(DimValue::Param("batch".into())) }, Dimension { value: Some(DimValue::Value(cols as i64)) }];
        Self {
            name: name.into(),
            r#type: Some(TypeProto { tensor_type: Some(TensorTypeProto { elem_type: FLOAT, shape: Some(TensorShapeProto { dim }) }) }),
        }
    }
}

/// Encodes a model to bytes.
pub fn encode(model: &ModelProto) -> Vec<u8> {
    model.encode_to_vec()
}

/// Decodes a model from bytes.
pub fn decode(bytes: &[u8]) -> Result<ModelProto, prost::DecodeError> {
    ModelProto::decode(bytes)
}
