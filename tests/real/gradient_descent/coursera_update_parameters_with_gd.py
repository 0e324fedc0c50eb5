# source: github.com/DeepakSridhar/Deep-Learning-Coursera, Course-2/Optimization/update_gd.py, update_parameters_with_gd; licence not stated in the file
# covers: gd_step
# expect: full
# why: W = W - learning_rate * dW builds a new array for every layer, so the w passed in is left unchanged.
"""The logic of the Coursera update_parameters_with_gd, retyped, glued to the contract.

The glue puts w in a one-layer parameter dictionary (b1 = 0) and reads W1 back.
"""


def update_parameters_with_gd(parameters, grads, learning_rate):
    layers = len(parameters) // 2
    for layer in range(layers):
        key = str(layer + 1)
        parameters["W" + key] = parameters["W" + key] - learning_rate * grads["dW" + key]
        parameters["b" + key] = parameters["b" + key] - learning_rate * grads["db" + key]
    return parameters


# --- glue: the contract's signature ----------------------------------------------------------
def gd_step(w, grad, lr):
    parameters = update_parameters_with_gd({"W1": w, "b1": 0.0}, {"dW1": grad, "db1": 0.0}, lr)
    return parameters["W1"]
