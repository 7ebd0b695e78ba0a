"""Real-world given names and surnames by naming culture, for the synthetic corpus.

Each culture lists names as people write them (accents included). Chinese and Korean given
names are composed from syllables, as they are in life, which gives the name space the
size a million-author corpus needs without inventing implausible names.
"""

from __future__ import annotations

# (weight, given names, surnames, share of people with a middle initial, culture code)
# Weights loosely follow the make-up of arXiv bylines.

_CN_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang "
    "Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei "
    "Su Lu Ding Ren Shen Yao Jin Fan Fang Shi Qian Dai Xia Zhong Tan Lei Hou Meng Bai Kong Qin Xue "
    "Yan Duan Long Gu Mao Hao Shao Wan Qiu Qi Mo Ji Hong Wen Shang Niu Yin Zou Xiong Tao Jia Cui Kang "
    "Fu Chang Wei Geng Ning Zhan Lai Liao Yi Lou Ou Bao Hua Ai Chai Gong Ge Mu Che Rao Zhai"
).split()
# First and second syllables of Chinese given names (pinyin, as on arXiv bylines).
_CN_SYL1 = (
    "Ze Wei Hao Jun Xiao Yu Ming Jie Lei Xin Hui Jing Qiang Peng Tao Fei Yang Zhi Rui Kai Bo Chen "
    "Hong Ling Yan Li Qing Ting Lin Han Bin Jian Feng Hua Dong Xue Mei Fang Yun Shu Wen Zhen Cheng "
    "Sheng Kun Yong Ping Ning Jia Xuan Zi Yue Meng Shan Si Tian Xi Guo Hai Chun Zhong Jin Guang Shao "
    "Ya Wan Yi Rong Qi Song Ke Huan Le Xiang Zhuo Ying Yuan Jiang Lu Min Kang"
).split()
_CN_SYL2 = (
    "chun wei hao jun yu ming jie lei xin hui jing qiang peng tao fei yang zhi rui kai bo chen long "
    "hong ling yan li qing ting lin han bin gang jian feng hua dong xue mei fang yun shu wen zhen "
    "cheng sheng kun yong ping ning jia xuan zi hang yue meng shan si tian xi guo hai zhong jin guang "
    "shuo yi rong qi song ke huan le xiang zhuo ying yuan jiang lu min kang ran nan tong ju yao ze"
).split()

_KR_SURNAMES = "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong Jeon Ko Moon Yang Son Baek Heo Nam Noh Ha".split()
_KR_SYL1 = "Ji Min Seung Hyun Jae Sung Young Dong Jin Hye Eun Joon Woo Tae Kyung Sang Ho Yeon So Da Chan Hee Jun Byung Soo".split()
_KR_SYL2 = "hoon jun ho woo min jin hyun seok young soo eun ah yeon won bin hee jae sung kyu wook chul yun".split()

CULTURES: dict[str, dict] = {
    "cn": {
        "weight": 22,
        "mid": 0.0,
        "surnames": _CN_SURNAMES,
        "given": None,  # composed from syllables
        "syl": (_CN_SYL1, _CN_SYL2),
    },
    "en": {
        "weight": 14,
        "mid": 0.45,
        "surnames": (
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
            "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill "
            "Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards "
            "Collins Stewart Morris Rogers Reed Cook Morgan Bell Murphy Bailey Cooper Richardson Cox Howard "
            "Ward Peterson Gray James Watson Brooks Kelly Sanders Price Bennett Wood Barnes Ross Henderson "
            "Coleman Jenkins Perry Powell Long Patterson Hughes Washington Butler Simmons Foster Bryant "
            "Alexander Russell Griffin Hayes Myers Ford Hamilton Graham Sullivan Wallace West Cole Jordan "
            "Owens Reynolds Fisher Ellis Harrison Gibson McDonald Marshall Murray Freeman Wells Webb Simpson "
            "Stevens Tucker Porter Hunter Hicks Crawford Boyd Mason Warren Dixon Burns Gordon Shaw Holmes "
            "Rice Robertson Hunt Black Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins Dunn Perkins "
            "Hudson Spencer Stephens Pierce Hart Elliott Cunningham Knox Fletcher Lawrence O'Brien O'Connor "
            "McCarthy Doyle Kennedy Walsh Byrne Ryan Quinn Fitzgerald MacLeod Fraser Campbell Lindsay Sinclair"
        ).split(),
        "given": (
            "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
            "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald "
            "Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon "
            "Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Adam Henry "
            "Nathan Douglas Zachary Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin "
            "Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan "
            "Albert Willie Alan Eugene Russell Vincent Philip Bobby Johnny Bradley Mary Patricia Jennifer "
            "Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra Margaret Ashley "
            "Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura "
            "Cynthia Dorothy Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole Anna Samantha Katherine "
            "Christine Debra Rachel Carolyn Janet Maria Olivia Heather Helen Catherine Diane Julie Victoria "
            "Joyce Lauren Kelly Christina Ruth Joan Virginia Judith Evelyn Hannah Andrea Megan Cheryl "
            "Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria Janice Kathryn Ann Isabella Judy "
            "Charlotte Julia Grace Amber Alice Jean Denise Frances Danielle Marilyn Natalie Beverly Diana "
            "Brittany Theresa Kayla Alexis Doris Lori Tiffany Neil Graham Ian Colin Malcolm Duncan Fiona "
            "Eileen Siobhan Niamh Ciaran Declan Eoin Aoife"
        ).split(),
    },
    "in": {
        "weight": 10,
        "mid": 0.2,
        "surnames": (
            "Sharma Verma Gupta Singh Kumar Patel Shah Mehta Joshi Agarwal Bansal Jain Reddy Rao Naidu Nair "
            "Menon Pillai Iyer Iyengar Krishnan Subramanian Raman Venkatesan Chatterjee Banerjee Mukherjee "
            "Ghosh Bose Sen Das Dutta Roy Chakraborty Bhattacharya Sinha Mishra Tiwari Pandey Dubey Tripathi "
            "Shukla Srivastava Saxena Kapoor Malhotra Khanna Chopra Arora Bhatia Sethi Gill Dhillon Sandhu "
            "Grewal Kulkarni Deshpande Patil Joshi Desai Bhat Hegde Shetty Kamath Pai Prabhu Goswami Chaudhary "
            "Yadav Thakur Rathore Chauhan Rajput Ahuja Bhardwaj Vyas Trivedi Dave Parikh Thakkar Varma "
            "Ramachandran Narayanan Gopalan Sundaram Balasubramanian Ranganathan Natarajan Srinivasan "
            "Chandrasekaran Mahajan Agrawal Goyal Mittal Garg Singhal"
        ).split(),
        "given": (
            "Aarav Abhishek Aditya Ajay Akash Alok Amit Anand Anil Ankit Anuj Arjun Arun Ashish Ashok "
            "Deepak Dinesh Gaurav Gopal Harish Hemant Jayant Karthik Kiran Krishna Kunal Mahesh Manish "
            "Manoj Mohit Mukesh Naveen Nikhil Nitin Pankaj Pradeep Prakash Pranav Prashant Rahul Rajesh "
            "Rakesh Ramesh Ravi Rohit Sachin Sandeep Sanjay Santosh Saurabh Shashank Shyam Siddharth "
            "Sudhir Sumit Sunil Suresh Tarun Tushar Varun Vijay Vikas Vikram Vinay Vishal Vivek Yash "
            "Aishwarya Ananya Anjali Anita Ankita Aparna Deepika Divya Gayatri Harini Isha Jyoti Kavya "
            "Lakshmi Madhuri Meera Neha Nisha Pooja Preeti Priya Radhika Rashmi Ritu Sakshi Shalini "
            "Shreya Smita Sneha Sunita Swati Tanvi Uma Vandana Vidya Shruti Nandini Kavitha Padma"
        ).split(),
    },
    "de": {
        "weight": 6,
        "mid": 0.15,
        "surnames": (
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
            "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
            "Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter "
            "Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich "
            "Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon "
            "Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel "
            "Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch "
            "Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Gödel Strauß Dörfler Nöth"
        ).split(),
        "given": (
            "Jürgen Jörg Klaus Uwe Stefan Andreas Thomas Michael Matthias Markus Wolfgang Dieter Günter "
            "Hans Peter Frank Ralf Bernd Holger Tobias Florian Sebastian Jan Lukas Maximilian Felix Jonas "
            "Moritz Niklas Philipp Tim Fabian Benedikt Johannes Christoph Dominik Sven Torsten Volker "
            "Rüdiger Jens Helmut Manfred Gerhard Horst Heinz Ulrich Reinhard Sabine Petra Monika Ursula "
            "Claudia Andrea Birgit Anke Heike Katrin Susanne Stefanie Julia Anna Lena Laura Leonie Hannah "
            "Lea Johanna Franziska Katharina Marie Sophie Annika Jana Carolin Kerstin Silke Dörte Bärbel "
            "Gisela Ingrid Renate Götz Björn Sören Ute Elke Wiebke Friederike"
        ).split(),
    },
    "fr": {
        "weight": 5,
        "mid": 0.05,
        "surnames": (
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
            "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont "
            "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
            "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
            "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer "
            "Lucas Meunier Jean Pérez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt "
            "Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois "
            "Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da Silva "
            "Hubert Louis Charles Guillot Rivière Le Gall Le Roux Bénard Mallet Hébert Besnard Desprès"
        ).split(),
        "given": (
            "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Christian Stéphane Laurent Frédéric "
            "Éric Olivier Sébastien Julien Thierry David Jérôme Vincent François Pascal Guillaume Antoine "
            "Mathieu Maxime Romain Benoît Arnaud Cédric Damien Fabien Hervé Yves Bruno Didier Gilles Rémi "
            "Loïc Gaël Aurélien Clément Hugo Théo Lucas Baptiste Marie Nathalie Isabelle Sylvie Catherine "
            "Françoise Valérie Sandrine Christine Véronique Sophie Céline Hélène Émilie Aurélie Camille "
            "Claire Juliette Mathilde Pauline Chloé Manon Élodie Agnès Béatrice Anaïs Margaux Léa Noémie "
            "Jean-Pierre Jean-Luc Jean-Michel Jean-François Pierre-Yves Marie-Claire Anne-Sophie Jean-Baptiste"
        ).split(),
    },
    "it": {
        "weight": 5,
        "mid": 0.05,
        "surnames": (
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
            "De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi "
            "Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola "
            "De Santis D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso "
            "Valentini Messina Sala De Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo "
            "Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti "
            "Caputo Montanari Guerra Palmieri Bernardi Martino Fiore De Rosa Ferretti Bellini Basile Riva "
            "Donati Piras Vitali Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico "
            "Orlando Damico Negri Dall'Aglio Della Valle Di Stefano Di Giovanni"
        ).split(),
        "given": (
            "Marco Giuseppe Giovanni Antonio Francesco Luca Alessandro Andrea Stefano Roberto Paolo Matteo "
            "Lorenzo Davide Simone Federico Riccardo Fabio Massimo Claudio Maurizio Enrico Emanuele Gabriele "
            "Daniele Alberto Carlo Pietro Nicola Michele Tommaso Filippo Leonardo Edoardo Salvatore Vincenzo "
            "Giorgio Franco Sergio Mario Silvia Giulia Francesca Chiara Sara Valentina Elena Federica "
            "Alessandra Martina Laura Paola Elisa Roberta Cristina Barbara Ilaria Serena Marta Alessia "
            "Beatrice Camilla Arianna Giorgia Irene Eleonora Lucia Anna Niccolò Nicolò Gianluca Pierluigi "
            "Gian Marco"
        ).split(),
    },
    "es": {
        "weight": 6,
        "mid": 0.1,
        "surnames": (
            "García Rodríguez Martínez López González Hernández Pérez Sánchez Ramírez Torres Flores Rivera "
            "Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Jiménez Mendoza Álvarez Castillo "
            "Romero Vargas Moreno Herrera Medina Aguilar Castro Ramos Fernández Guzmán Muñoz Rojas Vázquez "
            "Domínguez Navarro Ortega Delgado Molina Serrano Blanco Suárez Iglesias Gil Marín Sanz Núñez "
            "Rubio Calvo Vidal Cano Prieto Méndez Peña Cabrera Campos Vega Fuentes Carrasco Diez Caballero "
            "Nieto León Herrero Montero Lorenzo Santana Hidalgo Giménez Ibáñez Ferrer Durán Pascual Soler "
            "Esteban Bravo Gallego Parra Pastor Sáez Vicente Benítez Arias Crespo Garrido Valencia Mora "
            "Quintero Salazar Espinoza Contreras Sandoval Cárdenas Velásquez Acosta Zapata de la Cruz "
            "del Río Esteban-Pretel Ponce de León"
        ).split(),
        "given": (
            "José Juan Carlos Luis Miguel Jorge Pedro Manuel Javier Francisco Antonio Alejandro Fernando "
            "Ricardo Roberto Eduardo Sergio Diego Pablo Andrés Raúl Rubén Óscar Héctor Jesús Ramón Enrique "
            "Gonzalo Álvaro Ignacio Rodrigo Martín Sebastián Nicolás Tomás Joaquín Agustín Matías Emilio "
            "Gustavo Alfonso Rafael Víctor Iván Adrián Marcos María Ana Laura Carmen Isabel Lucía Sofía "
            "Elena Paula Marta Cristina Patricia Beatriz Raquel Silvia Rosa Teresa Pilar Mercedes Inés "
            "Alicia Verónica Natalia Gabriela Daniela Valentina Camila Mariana Andrea Carolina Claudia "
            "Adriana Mónica Ximena Guadalupe Begoña Nuria Montserrat Itziar Ainhoa Iñaki Aitor Xavier "
            "Jordi Núria Joan Pau Oriol"
        ).split(),
    },
    "pt": {
        "weight": 3,
        "mid": 0.1,
        "surnames": (
            "Silva Santos Oliveira Souza Pereira Costa Carvalho Almeida Ferreira Rodrigues Gomes Martins "
            "Araújo Ribeiro Lima Barbosa Rocha Dias Nascimento Alves Moreira Cardoso Teixeira Correia "
            "Mendes Nunes Soares Vieira Monteiro Moura Cavalcanti Batista Freitas Castro Campos Pinto "
            "Machado Lopes Fonseca Azevedo Sampaio Magalhães Gonçalves Brandão Medeiros Queiroz Guimarães "
            "Sousa Marques Loureiro Bastos Valente Figueiredo Tavares Coelho Simões Leite Duarte"
        ).split(),
        "given": (
            "João Pedro Lucas Gabriel Rafael Felipe Gustavo Bruno Thiago Rodrigo Leonardo Mateus Vinícius "
            "Guilherme Eduardo André Marcelo Ricardo Fábio Luís Paulo Sérgio Renato Diogo Gonçalo Tiago "
            "Rui Nuno Miguel Henrique Caio Otávio Ana Maria Mariana Beatriz Juliana Camila Fernanda Larissa "
            "Letícia Amanda Bruna Carolina Gabriela Patrícia Luísa Inês Joana Rita Sofia Débora Priscila "
            "Renata Tânia Cecília Conceição"
        ).split(),
    },
    "ru": {
        "weight": 5,
        "mid": 0.3,
        "surnames": (
            "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov "
            "Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov "
            "Nikitin Zakharov Zaitsev Solovyov Borisov Yakovlev Grigoriev Romanov Vorobyov Sergeev Kuzmin "
            "Frolov Alexandrov Dmitriev Korolev Gusev Kiselev Ilyin Maximov Polyakov Sorokin Vinogradov "
            "Kovalev Belov Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyaev Gerasimov "
            "Bogdanov Osipov Sidorov Matveev Titov Markov Mironov Krylov Kulikov Karpov Vlasov Melnikov "
            "Denisov Gavrilov Tikhonov Kazakov Afanasiev Danilov Savelyev Timofeev Fomin Chernov Abramov "
            "Martynov Efimov Fedotov Shcherbakov Nazarov Kalinin Isaev Chernyshev Bykov Maslov Rodionov "
            "Konovalov Lazarev Voronin Klimov Filatov Ponomarev Golubev Kudryavtsev Prokhorov Naumov "
            "Potapov Zhuravlev Ovchinnikov Trofimov Leonov Sobolev Ermakov Kolesnikov Goncharov Emelyanov "
            "Nikiforov Grachev Kotov Grishin Efremov Arkhipov Gromov Kirillov Malyshev Panov Moiseev Rumyantsev"
        ).split(),
        "given": (
            "Alexander Alexey Andrey Anton Artem Boris Vadim Valentin Valery Vasily Viktor Vitaly Vladimir "
            "Vladislav Vyacheslav Gennady Georgy Grigory Denis Dmitry Evgeny Egor Ivan Igor Ilya Kirill "
            "Konstantin Leonid Maxim Mikhail Nikita Nikolay Oleg Pavel Roman Ruslan Sergey Stanislav "
            "Stepan Timur Fedor Yuri Yaroslav Anastasia Anna Alina Valentina Valeria Galina Daria Ekaterina "
            "Elena Irina Ksenia Larisa Lyudmila Marina Maria Natalia Nadezhda Olga Polina Svetlana Tatiana "
            "Yulia Sofia Vera Zoya Arkady Lev Matvey Semyon"
        ).split(),
    },
    "pl": {
        "weight": 3,
        "mid": 0.05,
        "surnames": (
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski "
            "Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski "
            "Jaworski Wróbel Malinowski Pawlak Witkowski Walczak Stępień Górski Rutkowski Michalak Sikora "
            "Ostrowski Baran Duda Szewczyk Tomaszewski Pietrzak Marciniak Wróblewski Zalewski Jakubowski "
            "Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Pospíšil Hájek Král "
            "Jelínek Růžička Beneš Fiala Sedláček Doležal Zeman Kolář Navrátil Čermák Vaněk Urban Blažek "
            "Kovač Horvat Babić Marić Jurić Novak Petrović Jovanović Nikolić Marković Đorđević Popović"
        ).split(),
        "given": (
            "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz Grzegorz Mateusz Adam Wojciech "
            "Maciej Rafał Dariusz Kamil Szymon Bartosz Przemysław Agnieszka Katarzyna Małgorzata Joanna "
            "Magdalena Monika Ewa Aleksandra Dorota Beata Justyna Marta Natalia Weronika Zuzanna Jiří Jan "
            "Petr Josef Pavel Martin Tomáš Jaroslav Miroslav Zdeněk Václav Michal Ondřej Lukáš Radek Vojtěch "
            "Jana Eva Hana Lenka Kateřina Lucie Tereza Veronika Markéta Zdeňka Marko Luka Ivana Dragan "
            "Milan Nenad Goran Zoran Miloš Jelena Milica Dušan Bojan Stjepan Tijana"
        ).split(),
    },
    "nordic": {
        "weight": 2,
        "mid": 0.05,
        "surnames": (
            "Johansson Andersson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
            "Pettersson Jonsson Lindberg Lindqvist Lindgren Berg Bergström Lundberg Lundqvist Sjöberg "
            "Hansen Jensen Nielsen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
            "Petersen Madsen Kristensen Olsen Thomsen Poulsen Johansen Knudsen Mortensen Møller Halvorsen "
            "Haugen Bakken Solberg Strand Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine "
            "Heikkinen Koskinen Järvinen Lehtonen Saarinen Salminen Ahonen Björklund Åberg Öberg Sandström "
            "Holmgren Engström Ekström Wallin Forsberg Nyström Hedlund Magnusson Sigurðsson Gunnarsson Jónsson"
        ).split(),
        "given": (
            "Lars Anders Johan Erik Per Karl Nils Jan Mikael Magnus Henrik Fredrik Gustav Oskar Axel "
            "Björn Sven Jonas Emil Viktor Søren Jesper Rasmus Mads Morten Niels Jørgen Ole Kristian Bjørn "
            "Ove Matti Mikko Juha Jukka Timo Antti Ville Pekka Tapio Eero Anna Eva Maria Karin Sara Emma "
            "Ingrid Kristina Sofia Linnea Elin Åsa Malin Ida Maja Sanna Mette Signe Sigrid Astrid Kirsten "
            "Hanne Liisa Päivi Aino Katariina Helga Þóra Guðrún"
        ).split(),
    },
    "hu": {
        "weight": 1,
        "mid": 0.0,
        "surnames": (
            "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász "
            "Lakatos Mészáros Oláh Simon Rácz Fekete Szilágyi Török Fehér Balázs Gál Kis Szűcs Kocsis "
            "Orsós Pintér Fodor Szalai Sipos Magyar Lukács Gulyás Biró Király Katona László Jakab Bogdán "
            "Balog Sándor Boros Fazekas Kelemen Antal Orbán Bálint Vass Somogyi Fülöp Veres Budai Hegedűs"
        ).split(),
        "given": (
            "László István József János Zoltán Sándor Gábor Ferenc Attila Péter Tamás Zsolt Tibor András "
            "Csaba Imre Lajos György Balázs Róbert Miklós Dániel Ádám Krisztián Bence Máté Katalin Erzsébet "
            "Ilona Éva Anna Zsuzsanna Mária Judit Ágnes Andrea Erika Krisztina Eszter Márta Orsolya Réka "
            "Dóra Zsófia Boglárka Nóra Kinga Tímea Enikő"
        ).split(),
    },
    "tr": {
        "weight": 2,
        "mid": 0.0,
        "surnames": (
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan "
            "Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş "
            "Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin "
            "Taş Köse Yüksel Ateş Aksoy Tuncer Karaca Erol Uçar Altın Ergün Tunç Sezer Akın"
        ).split(),
        "given": (
            "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil "
            "Süleyman Abdullah Mahmut Recep Emre Burak Serkan Onur Tolga Gökhan Cem Kerem Barış Can Çağrı "
            "Uğur Volkan Oğuz Selim Kaan Berk Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra "
            "Sultan Hülya Özlem Özge Gizem Merve Büşra Ebru Derya Esra Pınar Seda Tuğba Şule Aslı Ceren"
        ).split(),
    },
    "ir": {
        "weight": 4,
        "mid": 0.0,
        "surnames": (
            "Hosseini Ahmadi Mohammadi Rezaei Karimi Rahimi Moradi Hashemi Mousavi Jafari Ghasemi Sadeghi "
            "Hosseinzadeh Kazemi Ebrahimi Najafi Sharifi Zare Mahdavi Tehrani Shirazi Esfahani Rostami "
            "Bagheri Nikzad Asadi Farahani Akbari Mirzaei Salehi Ansari Amini Nasiri Haddad Khalil Nasser "
            "Mansour Abdallah Saleh Hamdan Haddadin Al-Farsi El-Sayed Ibrahim Hassan Mahmoud Youssef "
            "Abdelrahman Farouk Khoury Haddad Aziz Rahman Hussain Qureshi Siddiqui Chaudhry Malik Sheikh "
            "Butt Ansari Farooq Raza Iqbal Akhtar Mirza Bashir El-Khoury Benali Benjelloun Bouzid Mansouri "
            "Belkacem Haddou Zahran Al-Hashimi Al-Rashid Al-Najjar"
        ).split(),
        "given": (
            "Mohammad Ali Reza Hossein Mehdi Amir Hamid Majid Saeed Hassan Mahmoud Ahmad Hadi Mostafa "
            "Morteza Mojtaba Javad Behrouz Kourosh Dariush Babak Farhad Shahram Arash Pouya Omid Navid "
            "Sina Kaveh Parisa Maryam Fatemeh Zahra Sara Narges Leila Mahsa Niloufar Shirin Ladan Azadeh "
            "Samira Elham Roya Mina Neda Ahmed Mohamed Omar Khaled Youssef Karim Tarek Walid Ibrahim "
            "Mustafa Hamza Bilal Imran Faisal Usman Salman Tariq Nadia Fatima Aisha Layla Noor Amira "
            "Hiba Rania Yasmin Salma Mariam Zainab Sana Hira Ayesha Rachid Nabil Samir Anouar"
        ).split(),
    },
    "jp": {
        "weight": 5,
        "mid": 0.0,
        "surnames": (
            "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada "
            "Sasaki Yamaguchi Saito Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda "
            "Hashimoto Yamashita Ishikawa Nakajima Maeda Fujita Ogawa Goto Okada Hasegawa Murakami Kondo "
            "Ishii Sakamoto Endo Aoki Fujii Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa "
            "Nakano Harada Ono Tamura Takeuchi Kaneko Wada Nakayama Ishida Ueda Morita Hara Shibata Sakai "
            "Kudo Yokoyama Miyazaki Miyamoto Uchida Takagi Ando Taniguchi Ohno Maruyama Imai Takada Fujimoto "
            "Takeda Murata Ueno Sugiyama Masuda Sugawara Hirano Otsuka Chiba Kubo Matsui Iwasaki Sakurai "
            "Kinoshita Noguchi Matsuo Nomura Kikuchi Sano Onishi Sugimoto Arai Hamada Togashi Shimoyama"
        ).split(),
        "given": (
            "Hiroshi Takashi Satoshi Kenji Takeshi Makoto Yuki Daisuke Kazuki Shota Ryota Kenta Yusuke "
            "Naoki Tomohiro Masahiro Koji Hideki Akira Kazuo Yoshihiro Tetsuya Shinji Takuya Shun Ryo "
            "Haruki Sota Yuto Kaito Hiroki Taro Ichiro Kenichi Shinichi Nobuyuki Toshiyuki Masato Yasuhiro "
            "Atsushi Junichi Keisuke Koichi Norio Yuichi Iwao Yoko Keiko Yumi Naoko Tomoko Akiko Yuko Kumiko "
            "Mayumi Emi Ayako Megumi Sakura Yui Haruka Aoi Misaki Nanami Mao Rin Mei Yuka Kaori Chihiro "
            "Asuka Natsuki Hitomi Mariko Noriko Eri Kana"
        ).split(),
    },
    "kr": {
        "weight": 4,
        "mid": 0.0,
        "surnames": _KR_SURNAMES,
        "given": None,
        "syl": (_KR_SYL1, _KR_SYL2),
    },
    "vn": {
        "weight": 2,
        "mid": 0.0,
        "surnames": "Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Trinh Dinh Mai Truong Lam Cao Luong Ta".split(),
        "given": (
            "Anh Minh Thanh Huy Duc Quang Linh Trang Hieu Tuan Khoa Long Nam Phuong Thu Hai Hung Dung "
            "Son Tung Khanh Vinh Hoang Bao Phuc Loc Thao Ngoc Lan Huong Mai Hoa Yen Nhung Trung Thang Tai "
            "Dat Kien Hai Dang Van Minh Thi Thu Thi Lan Van Hung Quoc Bao Manh Hung Xuan Truong Duy Khang"
        ).split(),
    },
    "gr": {
        "weight": 2,
        "mid": 0.0,
        "surnames": (
            "Papadopoulos Georgiou Nikolaou Dimitriou Konstantinidis Papageorgiou Vlachos Karagiannis "
            "Oikonomou Christodoulou Papadakis Ioannou Pappas Angelopoulos Makris Alexiou Antoniou "
            "Athanasiou Vasileiou Karalis Kyriakidis Theodorou Panagiotou Stavropoulos Michailidis "
            "Papanikolaou Economou Kouris Spyropoulos Tsakiris Zervas Giannakopoulos Triantafyllou"
        ).split(),
        "given": (
            "Georgios Dimitrios Konstantinos Ioannis Nikolaos Panagiotis Vasileios Christos Athanasios "
            "Michail Evangelos Spyridon Antonios Theodoros Stavros Apostolos Ilias Charalampos Kyriakos "
            "Eleni Maria Aikaterini Vasiliki Sofia Angeliki Dimitra Georgia Ioanna Paraskevi Despina "
            "Evangelia Chrysa Stella Theodora Anastasios Efstathios Emmanouil"
        ).split(),
    },
    "il": {
        "weight": 1,
        "mid": 0.0,
        "surnames": (
            "Cohen Levi Mizrahi Peretz Biton Friedman Shapira Katz Ben-David Goldberg Rosenberg Klein "
            "Avraham Dahan Azoulay Ohana Segal Ashkenazi Weiss Schwartz Gross Amsalem Ben-Ami Barak "
            "Zilberman Rubinstein Shalev Ben-Zvi Har-Even Oren Tal"
        ).split(),
        "given": (
            "Yael Noam Itai Omer Tamar Eitan Shira Avi Yonatan Ehud Gilad Nir Oded Uri Amit Ariel Dana "
            "Michal Noa Maya Roni Tal Yuval Asaf Ido Ofer Ronen Shai Yoav Hila Keren Liat Orly Sharon Moshe "
            "Yosef Avraham Daniel Elad Guy"
        ).split(),
    },
    "af": {
        "weight": 2,
        "mid": 0.05,
        "surnames": (
            "Okafor Adeyemi Okonkwo Balogun Eze Adebayo Nwosu Ogunleye Olawale Okoro Nwachukwu Obi Afolabi "
            "Oyelaran Bello Ibrahim Abubakar Mensah Owusu Asante Boateng Osei Kamau Mwangi Otieno Ochieng "
            "Wanjiru Njoroge Kiprop Tesfaye Bekele Haile Mekonnen Abebe Girma Tadesse Nkosi Dlamini Ndlovu "
            "Mokoena Khumalo Mahlangu Mthembu Zulu Banda Phiri Mutua Kariuki Diallo Traoré Coulibaly Ndiaye "
            "Sow Keita Camara Mbeki Mhlahlo Okeke Chukwu Onyango"
        ).split(),
        "given": (
            "Chinedu Oluwaseun Adebayo Ngozi Chiamaka Emeka Olumide Funmilayo Babatunde Chukwuemeka Ifeoma "
            "Nnamdi Temitope Kwame Kofi Ama Akosua Yaw Abena Kwabena Wanjiru Njeri Kamau Wambui Otieno Achieng "
            "Tesfaye Abebe Meron Selam Dawit Yohannes Thabo Sipho Lerato Nomvula Themba Zanele Bongani "
            "Amadou Moussa Fatoumata Aminata Ousmane Mamadou Ibrahima Aissatou Nceba Lassina Tendai Farai"
        ).split(),
    },
    "nl": {
        "weight": 2,
        "mid": 0.3,
        "surnames": (
            "de Jong Jansen de Vries van den Berg van Dijk Bakker Janssen Visser Smit Meijer de Boer Mulder "
            "de Groot Bos Vos Peters Hendriks van Leeuwen Dekker Brouwer de Wit Dijkstra Smits de Graaf "
            "van der Meer van der Linden Kok Jacobs de Haan Vermeulen van den Heuvel van der Veen van den Broek "
            "de Bruijn de Bruin van der Heijden Schouten van Beek Willems van Vliet van de Ven Hoekstra Maas "
            "Verhoeven Koster van Dam van der Wal Prins Blom Huisman Peeters Maes Claes Wouters Goossens "
            "van Loosdrecht van Dishoeck van der Tak Vandenberghe De Smet Vermeersch"
        ).split(),
        "given": (
            "Jan Johannes Cornelis Hendrik Pieter Willem Gerrit Jacobus Dirk Maarten Joost Sander Bram "
            "Daan Sem Thijs Ruben Jeroen Bas Wouter Niels Koen Stijn Lieven Pieterjan Floris Ewine Anouk "
            "Sanne Femke Lotte Fleur Eva Lisa Iris Marieke Annelies Ineke Els Saskia Maaike Wietske Hanneke"
        ).split(),
        # Dutch surnames carry particles; a space-joined "de Jong" must stay one surname.
        "compound_surnames": True,
    },
}


def _split_compound(words: list[str]) -> list[str]:
    """"de Jong Jansen van den Berg" → ["de Jong", "Jansen", "van den Berg"]."""
    out: list[str] = []
    pending: list[str] = []
    for w in words:
        pending.append(w)
        if w[:1].isupper():
            out.append(" ".join(pending))
            pending = []
    return out


for _c in CULTURES.values():
    if _c.pop("compound_surnames", False):
        _c["surnames"] = _split_compound(_c["surnames"])

_CAP_PARTICLES = {"De", "Della", "Di", "Del", "Da", "Le"}


def _join_cap_particles(words: list[str]) -> list[str]:
    """Italian and French particles are capitalised ("De Luca", "Le Gall"): glue them on."""
    out: list[str] = []
    carry = ""
    for w in words:
        if w in _CAP_PARTICLES and not carry:
            carry = w
            continue
        out.append(f"{carry} {w}" if carry else w)
        carry = ""
    return out


for _key in ("it", "fr"):
    CULTURES[_key]["surnames"] = _join_cap_particles(CULTURES[_key]["surnames"])
# Lower-case particles in Spanish surnames ("de la Cruz", "del Río") are re-joined like Dutch ones.
for _key in ("es",):
    CULTURES[_key]["surnames"] = _split_compound(
        " ".join(CULTURES[_key]["surnames"]).replace("Ponce de León", "Ponce_de_León").split()
    )
    CULTURES[_key]["surnames"] = [s.replace("_", " ") for s in CULTURES[_key]["surnames"]]
# Two-word given names in the Italian list ("Gian Marco") and Vietnamese middle names
# ("Thi Thu") are written as one forename string.
CULTURES["it"]["given"] = [g for g in CULTURES["it"]["given"] if g not in ("Gian", "Marco")] + ["Gian Marco", "Marco"]
_vn = CULTURES["vn"]["given"]
CULTURES["vn"]["given"] = sorted(set(_vn) - {"Thi", "Van", "Quoc", "Xuan"}) + [
    "Thi Thu", "Thi Lan", "Van Hung", "Quoc Bao", "Xuan Truong", "Van Minh", "Thi Mai", "Duc Anh",
    "Thi Huong", "Van Nam", "Minh Tuan", "Thanh Hai", "Ngoc Anh", "Quang Huy",
]

INSTITUTIONS = [
    "Massachusetts Institute of Technology", "Stanford University", "Harvard University",
    "University of California, Berkeley", "California Institute of Technology", "Princeton University",
    "Carnegie Mellon University", "University of Oxford", "University of Cambridge", "ETH Zurich",
    "EPFL", "Imperial College London", "University College London", "University of Toronto",
    "McGill University", "University of British Columbia", "Tsinghua University", "Peking University",
    "Shanghai Jiao Tong University", "Zhejiang University", "Fudan University",
    "University of Science and Technology of China", "Hong Kong University of Science and Technology",
    "The Chinese University of Hong Kong", "National University of Singapore",
    "Nanyang Technological University", "University of Tokyo", "Kyoto University", "Osaka University",
    "KAIST", "Seoul National University", "Indian Institute of Science", "IIT Bombay", "IIT Delhi",
    "Tata Institute of Fundamental Research", "Max Planck Institute for Physics",
    "Max Planck Institute for Astronomy", "Max Planck Institute for Intelligent Systems",
    "Technical University of Munich", "Ludwig-Maximilians-Universität München", "Universität Heidelberg",
    "Universität Stuttgart", "DESY", "CERN", "Sorbonne Université", "École Normale Supérieure",
    "Université Paris-Saclay", "CNRS", "INFN Sezione di Roma", "Sapienza Università di Roma",
    "Scuola Normale Superiore", "Politecnico di Milano", "Universidad de Buenos Aires",
    "Universidad Nacional Autónoma de México", "Universidade de São Paulo", "Universidad de Chile",
    "Universitat de Barcelona", "Universidad Autónoma de Madrid", "IFIC Valencia",
    "Instituto Superior Técnico, Lisbon", "University of Amsterdam", "Leiden University",
    "Delft University of Technology", "KU Leuven", "University of Copenhagen", "Niels Bohr Institute",
    "Stockholm University", "KTH Royal Institute of Technology", "University of Helsinki",
    "Weizmann Institute of Science", "Technion", "Tel Aviv University", "Sharif University of Technology",
    "University of Tehran", "Middle East Technical University", "Boğaziçi University",
    "University of Cape Town", "University of the Witwatersrand", "University of Lagos",
    "University of Nairobi", "Moscow State University", "Steklov Mathematical Institute",
    "Landau Institute for Theoretical Physics", "Jagiellonian University", "University of Warsaw",
    "Charles University", "Eötvös Loránd University", "University of Vienna", "University of Zurich",
    "Australian National University", "University of Melbourne", "University of Sydney",
    "Fermi National Accelerator Laboratory", "SLAC National Accelerator Laboratory",
    "Lawrence Berkeley National Laboratory", "Argonne National Laboratory", "Los Alamos National Laboratory",
    "Brookhaven National Laboratory", "Perimeter Institute for Theoretical Physics",
    "Institute for Advanced Study", "Kavli IPMU", "RIKEN", "KEK", "Google Research", "Meta AI",
    "Microsoft Research", "DeepMind", "NVIDIA Research", "IBM Research", "University of Michigan",
    "University of Washington", "Cornell University", "Columbia University", "Yale University",
    "University of Chicago", "University of Illinois Urbana-Champaign", "Georgia Institute of Technology",
    "University of Texas at Austin", "University of Maryland", "New York University",
    "University of Pennsylvania", "Johns Hopkins University", "Duke University", "Rice University",
    "University of Wisconsin-Madison", "University of Edinburgh", "University of Manchester",
    "Durham University", "University of Leicester", "Lancaster University", "University of Bonn",
    "Universität Hamburg", "Humboldt-Universität zu Berlin", "Technische Universität Dresden",
]
