// Package yamlconf is what the YAML files a center maintains (its
// configuration, the procedures catalogue) share: a strict decode that
// rejects unknown keys, the line of every key path ("counters[0].services[1]"),
// and one Error that names the file, the line and the key, so a technician
// reads the same kind of message whichever file is wrong.
//
// It holds no state; Lines is read-only once Decode returns it and safe for
// concurrent reads.
package yamlconf
