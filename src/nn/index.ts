export { ModuleBase, type Module, type ModuleStateDict, type StateEntries } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { ActivationLayer, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, Softplus, Softmax, LogSoftmax } from './activationLayers.js';
export { Conv2d, MaxPool2d, AvgPool2d, Flatten, GELU, SiLU, ELU, Dropout, LayerNorm, type Conv2dLayerOptions, type LayerNormLayerOptions } from './convLayers.js';
export { Embedding } from './embedding.js';
export { Sequential } from './sequential.js';
