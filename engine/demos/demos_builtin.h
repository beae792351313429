// The built-in demos, one function each, gathered by builtin_demos() (demos.cpp).
#pragma once
#include "demos/demos.h"

namespace cornu {

Demo sine_regression();
// demos_images.cpp: convolutions, and a functional model with an image and a table in, a class and a number out.
Demo fashion_mnist_cnn();
Demo functional_mixed();
// demos_text.cpp: recurrent models on characters and on words.
Demo text_lstm();
Demo sentiment_gru();

}  // namespace cornu
