// Registers every built-in layer, explicitly (no static self-registration: see style.md). A new layer is
// its own file with a register_<name> function, plus one line here.
#include "layers/layer.h"

namespace cornu {

void register_input_layer(LayerRegistry&);
void register_dense(LayerRegistry&);
void register_flatten(LayerRegistry&);
void register_reshape(LayerRegistry&);
void register_permute(LayerRegistry&);
void register_repeat_vector(LayerRegistry&);
void register_dropout(LayerRegistry&);
void register_gaussian_noise(LayerRegistry&);
void register_activity_regularization(LayerRegistry&);
void register_concatenate(LayerRegistry&);
void register_dot(LayerRegistry&);
void register_merge_layers(LayerRegistry&);
void register_activation_layer(LayerRegistry&);
void register_relu_layer(LayerRegistry&);
void register_leaky_relu_layer(LayerRegistry&);
void register_prelu_layer(LayerRegistry&);
void register_elu_layer(LayerRegistry&);
void register_softmax_layer(LayerRegistry&);
void register_pooling(LayerRegistry&);
void register_global_pooling(LayerRegistry&);
void register_upsampling(LayerRegistry&);
void register_zero_padding(LayerRegistry&);
void register_cropping(LayerRegistry&);
void register_spatial_dropout(LayerRegistry&);
void register_gaussian_dropout(LayerRegistry&);
void register_alpha_dropout(LayerRegistry&);
void register_conv(LayerRegistry&);
void register_conv_transpose(LayerRegistry&);
void register_depthwise_conv(LayerRegistry&);
// Attention and TimeDistributed (branch attn).
void register_attention(LayerRegistry&);
void register_additive_attention(LayerRegistry&);
void register_multi_head_attention(LayerRegistry&);
void register_time_distributed(LayerRegistry&);
// Embedding, masking and recurrent layers.
void register_embedding(LayerRegistry&);
void register_masking(LayerRegistry&);
void register_simple_rnn(LayerRegistry&);
void register_lstm(LayerRegistry&);
void register_gru(LayerRegistry&);
void register_bidirectional(LayerRegistry&);
// Normalization.
void register_batch_normalization(LayerRegistry&);
void register_layer_normalization(LayerRegistry&);
void register_group_normalization(LayerRegistry&);
void register_unit_normalization(LayerRegistry&);

LayerRegistry& layer_registry() {
  static LayerRegistry registry = [] {
    LayerRegistry r("layer");
    register_input_layer(r);
    register_dense(r);
    register_flatten(r);
    register_reshape(r);
    register_permute(r);
    register_repeat_vector(r);
    register_dropout(r);
    register_gaussian_noise(r);
    register_activity_regularization(r);
    register_concatenate(r);
    register_dot(r);
    register_merge_layers(r);
    register_activation_layer(r);
    register_relu_layer(r);
    register_leaky_relu_layer(r);
    register_prelu_layer(r);
    register_elu_layer(r);
    register_softmax_layer(r);
    register_pooling(r);
    register_global_pooling(r);
    register_upsampling(r);
    register_zero_padding(r);
    register_cropping(r);
    register_spatial_dropout(r);
    register_gaussian_dropout(r);
    register_alpha_dropout(r);
    register_conv(r);
    register_conv_transpose(r);
    register_depthwise_conv(r);
    register_attention(r);
    register_additive_attention(r);
    register_multi_head_attention(r);
    register_time_distributed(r);
    register_embedding(r);
    register_masking(r);
    register_simple_rnn(r);
    register_lstm(r);
    register_gru(r);
    register_bidirectional(r);
    register_batch_normalization(r);
    register_layer_normalization(r);
    register_group_normalization(r);
    register_unit_normalization(r);
    return r;
  }();
  return registry;
}

}  // namespace cornu
