package yamlconf_test

import (
	"fmt"

	"motcua/internal/yamlconf"
)

// A reader decodes its file, then blames each mistake on its key's line.
func ExampleDecode() {
	var c struct {
		Counters []struct {
			ID       string   `yaml:"id"`
			Services []string `yaml:"services"`
		} `yaml:"counters"`
	}
	data := []byte("counters:\n  - id: \"1\"\n    services: [A, E]\n")
	lines, err := yamlconf.Decode("config", data, &c)
	if err != nil {
		fmt.Println(err)
		return
	}
	key := "counters[0].services[1]"
	err = yamlconf.WithFile(&yamlconf.Error{Prefix: "config", Key: key, Line: lines.Line(key),
		Msg: fmt.Sprintf("unknown field %q", c.Counters[0].Services[1])}, "center.yaml")
	fmt.Println(err)
	// Output:
	// config center.yaml:3: counters[0].services[1]: unknown field "E"
}
